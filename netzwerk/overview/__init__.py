"""The manager's overview (/uebersicht/): is the network working? Figures and charts of actors, members,
meetings and attendance, what needs attention, and the annual report for the funding body."""

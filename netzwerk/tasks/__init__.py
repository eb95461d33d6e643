"""Tasks from the minutes ("wer macht was bis wann"): the manager's overview of open tasks across all groups,
"Meine Aufgaben" for each person, marking a task done, and a reminder by the scheduler when one falls due."""

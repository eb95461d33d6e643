"""Counts the operations tests report (requests raced, outages survived), shown in pytest's terminal summary."""

LINES: list[str] = []


def report(line: str) -> None:
    """One line for the summary (``print`` alone is hidden by pytest's output capture)."""
    LINES.append(line)
    print(f"\n{line}")

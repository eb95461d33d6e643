"""How many inputs the property walk (test_properties.py) tried, and what came back, for the terminal summary."""

from collections import Counter

tried: Counter = Counter()
answers: Counter = Counter()
reached: set[str] = set()


def count(role: str, status: int, endpoint: str) -> None:
    tried[role] += 1
    answers[f"{status // 100}xx"] += 1
    if status not in (400, 403, 404, 405) and not 300 <= status < 400:
        reached.add(endpoint)

"""Recording changes: call ``record`` next to the change; the caller's commit stores both together."""

from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from flask_login import current_user

from netzwerk import unit_of_work
from netzwerk.audit.models import AuditEntry
from netzwerk.extensions import db


def changes_between(old: dict, new: dict) -> dict:
    """{"field": [old, new]} for every field whose value differs; empty and unset count as the same."""
    return {key: [old.get(key), value] for key, value in new.items() if (old.get(key) or None) != (value or None)}


# Who acts outside a request (CLI commands, scheduler jobs); see ``acting_as``.
_acting_user: ContextVar = ContextVar("acting_user", default=None)


@contextmanager
def acting_as(user):
    """Attribute the audit entries written inside this block to ``user`` (for work done without a request)."""
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def record(action: str, target=None, summary: str = "", changes: dict | None = None, actor=None) -> AuditEntry:
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if actor is None:
        actor = _acting_user.get()
    entry = AuditEntry(
        action=action,
        actor=actor,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        summary=summary[:500],
        changes=changes or {},
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def record_save(kind: str, obj, before: dict, after: dict, creating: bool) -> dict:
    """Audit a create or an edit of a record with a ``version`` and a ``name``; an edit that changes something
    raises the version (the optimistic lock of VersionedForm). Returns the changes."""
    changes = changes_between(before, after)
    if creating:
        record(f"{kind}.created", obj, summary=obj.name, changes=changes)
    elif changes:
        obj.version += 1
        record(f"{kind}.updated", obj, summary=obj.name, changes=changes)
    return changes


def apply_changes(obj, after: dict, action: str) -> dict:
    """Set what changed on a versioned settings row or record, raise its version (the forms' optimistic lock)
    and audit it; flushed now, so a crossed save is a Conflict while the view can still show the form."""
    changes = changes_between({name: getattr(obj, name) for name in after}, after)
    if changes:
        db.session.add(obj)
        for name, value in after.items():
            setattr(obj, name, value)
        obj.version += 1
        record(action, obj, changes=changes)
        unit_of_work.flush()
    return changes

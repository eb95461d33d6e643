"""One unit of work per request, scheduler job and command (the pattern of Indico's request handlers).

Services change objects and register what must follow a successful save (``mail.services.queue_mail``
registers each mail for delivery) with ``after_commit``; they never commit. One place commits: the request
hook below once the view returned without an error, or ``unit_of_work()`` around a job or a command. Only
then does what was registered run. Every error page rolls back first (``errors.py``), and a rollback forgets
what was registered: a mail never announces a change that was not saved.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Response, current_app, session
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.exc import StaleDataError

from netzwerk.errors import Conflict, handle_database_unavailable
from netzwerk.extensions import db

PENDING = "netzwerk.after_commit"  # key in Session.info: {name: (handler, [items])}


def after_commit(name: str, item: object, handler: Callable[[list], object]) -> None:
    """Collect ``item`` under ``name``; once the unit of work has committed, ``handler`` gets all items of that
    name at once (all mails of a request over one connection)."""
    handler_and_items = db.session.info.setdefault(PENDING, {}).setdefault(name, (handler, []))
    handler_and_items[1].append(item)


def commit() -> None:
    """Save the unit of work, then run what waited for the save."""
    pending = db.session.info.pop(PENDING, {})
    db.session.commit()
    for handler, items in pending.values():
        handler(items)


def rollback() -> None:
    db.session.rollback()  # forget_pending drops what was registered


def flush(conflict: Conflict | None = None) -> None:
    """Write the changes now, inside the unit of work, so a service learns of a crossed save (the version
    column) or a duplicate (a unique constraint) while it can still say so: as ``conflict`` (a domain error),
    after rolling the unit of work back."""
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError) as error:
        rollback()
        raise conflict or Conflict() from error


@event.listens_for(Session, "after_soft_rollback")
def forget_pending(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(PENDING, None)


@event.listens_for(Session, "after_commit")
def leave_pending_to_the_outbox(session: Session) -> None:
    """A commit outside ``commit()`` (the mail machinery's own, a test's) leaves registered mails to the outbox
    job, so a long-running process never collects them."""
    session.info.pop(PENDING, None)


@contextmanager
def unit_of_work() -> Iterator[None]:
    """A job's or a command's unit of work: committed at the end, rolled back on an error (also one of the
    commit itself, so the session is usable again for the next unit of work)."""
    try:
        yield
        commit()
    except BaseException:
        rollback()
        raise


def commit_request(response: Response) -> Response:
    """The request's unit of work ends here, after the view and before the answer leaves. Error handlers have
    rolled back already, so an error page commits nothing. If the commit itself fails (the database went away),
    the error handlers answer, and no flash message may claim that something was saved."""
    try:
        commit()
    except DBAPIError as error:
        session.pop("_flashes", None)
        return current_app.make_response(handle_database_unavailable(error))  # a 503, or re-raised: a 500
    except Exception:
        session.pop("_flashes", None)
        rollback()
        raise
    return response


def init_app(app) -> None:
    # after_request functions run last-registered first: this one is registered after security.py's headers
    # hook, so it runs before it, and a 503 page from a failed commit still gets the security headers.
    app.after_request(commit_request)

from flask import render_template, request

from netzwerk.auth.permissions import public
from netzwerk.extensions import csrf
from netzwerk.throttle import throttle_post
from netzwerk.unsubscribe.blueprint import bp
from netzwerk.unsubscribe.services import read_token, receives, unsubscribe


@bp.route("/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # mail clients POST "List-Unsubscribe=One-Click" without a CSRF token; the signed link is the proof
def one_click(token: str):
    """GET only asks (mail scanners open links); POST, from the button or the mail client, turns the one kind
    of mail off for the person the link was made for."""
    verdict = throttle_post("unsubscribe", "UNSUBSCRIBE_MAX_PER_ADDRESS")
    found = read_token(token)
    if found is None:
        return (
            render_template("unsubscribe/problem.html", problem=verdict.message() if verdict.throttled else None),
            (429 if verdict.throttled else 400),
            verdict.headers(),
        )
    user, category = found
    if verdict.throttled:
        return (
            render_template(
                "unsubscribe/confirm.html",
                user=user,
                category=category,
                receives=receives(user, category),
                token=token,
                problem=verdict.message(),
            ),
            429,
            verdict.headers(),
        )
    if request.method == "POST":
        unsubscribe(user, category)
        return render_template("unsubscribe/done.html", user=user, category=category)
    return render_template(
        "unsubscribe/confirm.html", user=user, category=category, receives=receives(user, category), token=token
    )

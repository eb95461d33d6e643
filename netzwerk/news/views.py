from feedgen.feed import FeedGenerator
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from netzwerk import clock
from netzwerk.auth.models import Role
from netzwerk.auth.permissions import admin_required, public
from netzwerk.errors import Conflict
from netzwerk.extensions import db
from netzwerk.forms import form_status, page_number
from netzwerk.mail.services import external_url
from netzwerk.markdown import render_markdown
from netzwerk.meetings.forms import ButtonForm
from netzwerk.news.blueprint import bp
from netzwerk.news.forms import NewsForm
from netzwerk.news.models import NewsItem
from netzwerk.news.services import NewsData, delete_news, latest, published, save_news

NEWS_AUTHOR = "Regionalmanagement Stadt und Landkreis Landshut"


def is_manager() -> bool:
    return current_user.is_authenticated and current_user.role == Role.ADMIN


@bp.get("/")
@public
def index():
    """The public list; the manager also sees drafts and scheduled items, marked as such."""
    query = select(NewsItem).order_by(NewsItem.publish_at.is_(None).desc(), NewsItem.publish_at.desc())
    if not is_manager():
        query = query.where(published())
    page = db.paginate(query, page=page_number(), per_page=10, error_out=False)
    return render_template("news/index.html", page=page, now=clock.now(), manage=is_manager())


@bp.get("/<id:news_id>")
@public
def detail(news_id: int):
    item = db.get_or_404(NewsItem, news_id)
    if not (item.is_public(clock.now()) or is_manager()):
        abort(404)
    return render_template("news/detail.html", item=item, now=clock.now(), manage=is_manager(), form=ButtonForm())


@bp.get("/feed.atom")
@public
def feed():
    """Atom (RFC 4287) of the latest published news, for feed readers and the partners' websites."""
    generator = FeedGenerator()
    generator.id(external_url("news.index"))
    generator.title(_("Netzwerk Landshut – Aktuelles"))
    generator.subtitle(_("Neuigkeiten und Pressemitteilungen des Regionalmanagements Stadt und Landkreis Landshut"))
    generator.link(href=external_url("news.index"), rel="alternate")
    generator.link(href=external_url("news.feed"), rel="self")
    generator.language("de")
    generator.author(name=NEWS_AUTHOR, uri=external_url("news.index"))  # RFC 4287: a feed names its author
    items = latest()
    generator.updated(max((item.updated_at for item in items), default=clock.now()))
    for item in reversed(items):  # feedgen puts the last added first
        entry = generator.add_entry()
        entry.id(external_url("news.detail", news_id=item.id))
        entry.title(item.title)
        entry.link(href=external_url("news.detail", news_id=item.id))
        entry.published(item.publish_at)
        entry.updated(max(item.updated_at, item.publish_at))
        if item.summary:
            entry.summary(item.summary)
        entry.content(str(render_markdown(item.body)), type="html")
    return Response(generator.atom_str(pretty=True), mimetype="application/atom+xml")


def data_from(form: NewsForm) -> NewsData:
    if not form.publish.data:
        publish_at = None
    elif form.publish_at.data:
        publish_at = clock.to_utc(form.publish_at.data)
    else:
        publish_at = clock.now()
    return NewsData(
        title=form.title.data,
        summary=form.summary.data or "",
        body=form.body.data,
        is_press_release=form.is_press_release.data,
        publish_at=publish_at,
    )


@bp.route("/neu", methods=["GET", "POST"])
@admin_required
def create():
    form = NewsForm()
    if form.validate_on_submit():
        item = save_news(None, data_from(form), current_user._get_current_object())
        flash(saved_message(item), "success")
        return redirect(url_for("news.detail", news_id=item.id))
    return render_template("news/form.html", form=form), form_status(form)


@bp.route("/<id:news_id>/bearbeiten", methods=["GET", "POST"])
@admin_required
def edit(news_id: int):
    item = db.get_or_404(NewsItem, news_id)
    form = NewsForm(obj=item)
    if not form.is_submitted():
        form.publish.data = item.publish_at is not None
        form.publish_at.data = clock.wall_clock(item.publish_at) if item.publish_at else None
    status = None
    if form.validate_on_submit() and not form.is_stale(item):
        try:
            save_news(item, data_from(form), current_user._get_current_object())
        except Conflict:
            form.crossed(item)
            status = 409
        else:
            flash(saved_message(item), "success")
            return redirect(url_for("news.detail", news_id=item.id))
    return render_template("news/form.html", form=form, item=item), status or form_status(form)


def saved_message(item: NewsItem) -> str:
    if item.publish_at is None:
        return _("Gespeichert als Entwurf; die Öffentlichkeit sieht ihn nicht.")
    if item.publish_at > clock.now():
        return _(
            "Gespeichert; wird am %(date)s veröffentlicht.",
            date=clock.to_local(item.publish_at).strftime("%d.%m.%Y %H:%M"),
        )
    return _("Gespeichert und veröffentlicht.")


@bp.post("/<id:news_id>/loeschen")
@admin_required
def delete(news_id: int):
    item = db.get_or_404(NewsItem, news_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    delete_news(item)
    flash(_("Die Meldung ist gelöscht."), "success")
    return redirect(url_for("news.index"))

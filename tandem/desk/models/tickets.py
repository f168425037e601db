"""Tickets and their conversation: threads (emails), comments, attachments, history events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.desk.models.customers import Account, Contact, Product
from tandem.desk.models.tenancy import Agent, Department, Portal

STATS_COLUMNS = [
    "portal", "department", "is_open", "is_overdue", "status", "rating",
    "first_response_seconds", "resolution_seconds",
]  # fmt: skip


class Ticket(models.Model):
    class Status(models.TextChoices):
        OPEN = "Open", _("Open")
        ON_HOLD = "On Hold", _("On Hold")
        ESCALATED = "Escalated", _("Escalated")
        CLOSED = "Closed", _("Closed")

    class Priority(models.TextChoices):
        LOW = "Low", _("Low")
        MEDIUM = "Medium", _("Medium")
        HIGH = "High", _("High")
        URGENT = "Urgent", _("Urgent")

    class Channel(models.TextChoices):
        EMAIL = "Email", _("Email")
        WEB = "Web", _("Web")
        PHONE = "Phone", _("Phone")
        CRM = "CRM", _("CRM")
        API = "API", _("API")

    class Rating(models.TextChoices):
        GOOD = "good", _("Good")
        OKAY = "okay", _("Okay")
        BAD = "bad", _("Bad")

    # db_index=False on foreign keys led by a composite index below: one index less to
    # maintain on every insert of a million-row table.
    portal = models.ForeignKey(
        Portal, on_delete=models.CASCADE, related_name="tickets", db_index=False
    )
    number = models.BigIntegerField()
    subject = models.CharField(_("subject"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="Open")
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default="Medium"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default="Web")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    product = models.ForeignKey(
        Product,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    assignee = models.ForeignKey(
        Agent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    # The customer's address (their contact's, as it changes): the `email` filter needs no join.
    email = models.EmailField(_("email"), blank=True)
    due_date = models.DateTimeField(_("due date"), null=True, blank=True)
    # An agent set (or cleared) the due date: the SLA policy no longer moves it. The database
    # default lets bulk inserts (imports, the benchmark) leave it out.
    due_date_by_hand = models.BooleanField(default=False, db_default=False)
    response_due_at = models.DateTimeField(null=True, blank=True)
    is_overdue = models.BooleanField(default=False)
    is_escalated = models.BooleanField(default=False)
    # Denormalised from status/priority so every list view is one index range scan.
    is_open = models.BooleanField(default=True)
    is_high_priority = models.BooleanField(default=False)
    # Denormalised from `crm_deal`'s "open" (the integration writes it): "Linked to open deals"
    # is one index range scan, not a JSON read of every ticket (0.6-0.9 s at 1,000,000).
    has_open_deal = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_seconds = models.BigIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the rating request for this closing went out (cleared when the ticket reopens):
    # sent once, and a request lost on the way is sent by the catch-up (tasks.py).
    rating_requested_at = models.DateTimeField(null=True, blank=True)
    resolution_seconds = models.BigIntegerField(null=True, blank=True)
    rating = models.CharField(max_length=4, choices=Rating.choices, null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    crm_deal = models.JSONField(null=True, blank=True)
    cf = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["portal", "number"], name="desk_ticket_number")
        ]
        indexes = [
            models.Index(fields=["portal", "id"], name="desk_t_all"),
            models.Index(fields=["portal", "id"], condition=Q(is_open=True), name="desk_t_open_p"),
            models.Index(fields=["portal", "status", "id"], name="desk_t_status"),
            # Partial indexes for the flag views: small, and usable however rare the flag is.
            models.Index(
                fields=["portal", "id"],
                # Closing clears is_overdue, so the flag alone means "open and overdue"; a
                # condition on is_open too would let SQLite prefer the Open index and walk it.
                condition=Q(is_overdue=True),
                name="desk_t_overdue2_p",
            ),
            models.Index(
                fields=["portal", "id"], condition=Q(is_escalated=True), name="desk_t_escalated_p"
            ),
            models.Index(
                fields=["portal", "id"], condition=Q(is_high_priority=True), name="desk_t_high_p"
            ),
            models.Index(
                fields=["portal", "id"], condition=Q(has_open_deal=True), name="desk_t_deal_p"
            ),
            models.Index(fields=["portal", "email", "id"], name="desk_t_email"),
            models.Index(fields=["portal", "due_date", "id"], name="desk_t_due"),
            # The flag views sorted by due date, as a lead triaging overdue tickets does: with
            # only the index above, SQLite sorted all of a view's tickets for each page (1.3-2.3
            # s at 1,000,000 tickets).
            *[
                models.Index(fields=["portal", "due_date", "id"], condition=flag, name=name)
                for name, flag in (
                    ("desk_t_open_due_p", Q(is_open=True)),
                    ("desk_t_overdue_due_p", Q(is_overdue=True)),
                    ("desk_t_escalated_due_p", Q(is_escalated=True)),
                    ("desk_t_high_due_p", Q(is_high_priority=True)),
                    ("desk_t_deal_due_p", Q(has_open_deal=True)),
                )
            ],
            # Covering the stats aggregate: a customer's figures come from the index alone.
            models.Index(fields=["contact", "id", *STATS_COLUMNS], name="desk_t_contact_s"),
            models.Index(fields=["account", "id", *STATS_COLUMNS], name="desk_t_account_s"),
            models.Index(fields=["department", "id"], name="desk_t_department"),
            models.Index(fields=["assignee", "id"], name="desk_t_assignee"),
            # A product's tickets, newest first, a page at a time (its page and the list).
            models.Index(fields=["product", "id"], name="desk_t_product"),
            # The SLA sweep: open tickets whose deadline has passed.
            models.Index(
                fields=["due_date"],
                condition=Q(is_open=True, is_overdue=False),
                name="desk_t_sla_due_p",
            ),
            models.Index(
                fields=["response_due_at"],
                condition=Q(is_open=True, is_escalated=False, first_response_at__isnull=True),
                name="desk_t_sla_r_p",
            ),
            models.Index(
                fields=["department", "due_date"],
                condition=Q(is_open=True, is_overdue=True, is_escalated=False),
                name="desk_t_sla_late_p",
            ),
            # Closed, unrated, never asked: what the rating catch-up looks for.
            models.Index(
                fields=["closed_at"],
                condition=Q(status="Closed", rating__isnull=True, rating_requested_at__isnull=True),
                name="desk_t_rating_due_p",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def overdue_now(self) -> bool:
        return self.overdue_at(self.is_overdue, self.is_open, self.due_date, timezone.now())

    @staticmethod
    def overdue_at(is_overdue: bool, is_open: bool, due_date, now) -> bool:
        """Overdue the moment the due date passes, even before the SLA sweep records it (also
        for a list's rows read as plain values)."""
        return bool(is_overdue or (is_open and due_date is not None and due_date <= now))

    def sync_flags(self) -> None:
        self.is_open = self.status != self.Status.CLOSED
        self.is_high_priority = self.priority in (self.Priority.HIGH, self.Priority.URGENT)
        self.has_open_deal = bool(isinstance(self.crm_deal, dict) and self.crm_deal.get("open"))


class TicketEvent(models.Model):
    """One line of a ticket's history: who did what, when, with old → new values."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)  # "System", a customer's email
    # A writer from outside Desk (a CRM user), shown by this name, e.g. "Ana Díaz (CRM)", not
    # as the Desk user `actor` is (who may well be no agent here); blank: the actor's own name.
    shown_as = models.CharField(max_length=200, blank=True, default="")
    kind = models.CharField(max_length=20)
    changes = models.JSONField(default=dict, blank=True)  # {field: [old, new]}
    created_at = models.DateTimeField(default=timezone.now)

    # What the history shows for each kind (the API gives `kind` itself).
    LABELS = {
        "created": _("created the ticket"),
        "updated": _("updated"),
        "closed": _("closed"),
        "assigned": _("assigned"),
        "replied": _("replied"),
        "forwarded": _("forwarded"),
        "commented": _("commented"),
        "attached": _("attached a file"),
        "customer_replied": _("the customer replied"),
        "attachment_refused": _("refused attachments"),
        "acknowledged": _("acknowledgement sent"),
    }

    class Meta:
        indexes = [models.Index(fields=["ticket", "id"])]

    def __str__(self) -> str:
        return f"{self.kind} on {self.ticket_id}"

    @property
    def label(self) -> str:
        return self.LABELS.get(self.kind, self.kind)


class Thread(models.Model):
    """One email of the conversation, sent by an agent or received from a customer."""

    class Action(models.TextChoices):
        REPLY = "reply", _("Reply")
        REPLY_ALL = "reply_all", _("Reply all")
        FORWARD = "forward", _("Forward")
        INCOMING = "incoming", _("Incoming")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="threads")
    action = models.CharField(max_length=10, choices=Action.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_email = models.CharField(max_length=254, blank=True)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    content = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["ticket", "id"]),
            models.Index(fields=["message_id"]),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_incoming(self) -> bool:
        return self.action == self.Action.INCOMING


class Comment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content = models.TextField()
    is_public = models.BooleanField(default=False)
    # A comment written from outside Desk (a CRM user) is shown under this name, e.g. "Ana Díaz
    # (CRM)", so agents see where it came from; blank: the author's own name.
    shown_as = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["ticket", "id"])]

    def __str__(self) -> str:
        return f"Comment {self.pk}"

    @property
    def author_name(self) -> str:
        if self.shown_as:
            return self.shown_as
        return self.author.display_name if self.author else ""


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploaded name on disk: a random name under the portal's folder.
    from django.utils.crypto import get_random_string

    return f"desk/{instance.ticket.portal_id}/{instance.ticket_id}/{get_random_string(24)}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)
    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["ticket", "id"])]

    def __str__(self) -> str:
        return self.name

"""How much text a ticket may carry. Without limits one 30 MB email became a 32 MB
description, and every list page that carried it weighed as much. The API refuses more (400
naming the field), mail-in keeps an oversized body as an attachment instead (no customer mail is
lost), and the last guard in web.limits refuses it on every other path, on both databases."""

from tandem.web.limits import limit_text

DESCRIPTION_MAX = 100_000  # characters: a long email with its quoted history fits
THREAD_MAX = 100_000
COMMENT_MAX = 32_000
SUBJECT_MAX = 255  # the column's

limit_text("desk.Ticket", "description", DESCRIPTION_MAX)
limit_text("desk.Thread", "content", THREAD_MAX)
limit_text("desk.Comment", "content", COMMENT_MAX)

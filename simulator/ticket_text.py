"""The customer's first message of each ticket: a subject and a body in the customer's language.

The text is assembled from category-specific phrases (``simulator/data/ticket_text_*.py``) so that the
ticket's ``category`` (the routing target of lecture 10) can be learnt from it — but not perfectly, as in a
real inbox: a message often mentions a related problem too (a damaged parcel that was also late, a refund
asked for after a wrong size; ``MIX_P``, from ``RELATED``), subjects are often generic, and a few messages
are short and vague (``VAGUE_P``) with nothing about the problem at all. The truth records which messages
borrowed another category's phrases (``ambiguous``) and which are vague. A TF-IDF + naive Bayes classifier
reaches roughly 73–90 % accuracy on a default world (character n-grams at the low end,
word tokens at the high end).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import ticket_text_en, ticket_text_eu_ja, ticket_text_zh

TEXT = {"zh": ticket_text_zh.TEXT, "en": ticket_text_en.TEXT, "de": ticket_text_eu_ja.DE,
        "fr": ticket_text_eu_ja.FR, "ja": ticket_text_eu_ja.JA}
SEPARATOR = {"zh": "", "ja": "", "en": " ", "de": " ", "fr": " "}  # between sentences
RELATED = {  # categories whose phrases a message of the key category may borrow
    "delivery_delay": ("customs", "enquiry", "refund"), "damaged": ("product_quality", "refund", "delivery_delay"),
    "wrong_size": ("product_quality", "refund"), "plug_voltage": ("product_quality", "enquiry"),
    "customs": ("delivery_delay", "payment"), "refund": ("payment", "damaged", "wrong_size", "product_quality"),
    "product_quality": ("damaged", "refund", "wrong_size"), "payment": ("refund", "enquiry"),
    "enquiry": ("delivery_delay", "payment", "refund"),
}
VAGUE_P = 0.07  # a message that says nothing about the problem
MIX_P = 0.35  # a message that borrows one phrase of a related category
OTHER_SUBJECT_P = 0.35  # ... and takes that category's subject
GENERIC_SUBJECT_P = 0.35  # otherwise a generic subject ("My order")
OWN_PHRASES_P = (0.5, 0.4, 0.1)  # P(1, 2, 3 phrases of the ticket's own category)
DAYS = (2, 15)  # {days} placeholder, uniform integer in [low, high]
_U = 15  # uniforms drawn per message


def language_of(locale: np.ndarray) -> np.ndarray:
    """Message language of each customer locale: zh, en, de, fr or ja (the locale's language)."""
    lang = pd.Series(np.asarray(locale, dtype=object)).astype(str).str[:2].to_numpy(dtype=object)
    return np.where(np.isin(lang, list(TEXT)), lang, "en").astype(object)


def _pick(options, u: float):
    return options[min(int(u * len(options)), len(options) - 1)]


def _message(cat: str, lang: str, item_cat: str | None, u: np.ndarray) -> tuple[str, str, bool, bool]:
    """``(subject, body, ambiguous, vague)`` of one message from its row of uniforms ``u``."""
    text = TEXT[lang]
    item = _pick(text["items"][item_cat] if item_cat in text["items"] else text["default_item"], u[0])
    days = DAYS[0] + min(int(u[1] * (DAYS[1] - DAYS[0] + 1)), DAYS[1] - DAYS[0])
    sep = SEPARATOR[lang]
    greeting, closing = _pick(text["greetings"], u[2]), _pick(text["closings"], u[3])
    if u[4] < VAGUE_P:
        body = sep.join(s for s in (greeting, _pick(text["vague"], u[5])) if s)
        return _pick(text["generic_subjects"], u[6]), body, False, True
    own = text["phrases"][cat]
    k = 1 + (u[5] >= OWN_PHRASES_P[0]) + (u[5] >= OWN_PHRASES_P[0] + OWN_PHRASES_P[1])
    first = min(int(u[7] * len(own)), len(own) - 1)
    picks = [first]
    for j in range(1, k):
        nxt = (picks[-1] + 1 + min(int(u[7 + j] * (len(own) - 1)), len(own) - 2)) % len(own)
        if nxt not in picks:
            picks.append(nxt)
    sentences = [own[i] for i in picks]
    mixed = u[10] < MIX_P
    other = _pick(RELATED[cat], u[11])
    if mixed:
        sentences.insert(min(int(u[12] * (len(sentences) + 1)), len(sentences)), _pick(text["phrases"][other], u[13]))
    if mixed and u[6] < OTHER_SUBJECT_P:
        subject = _pick(text["subjects"][other], u[14])
    elif u[6] < OTHER_SUBJECT_P + GENERIC_SUBJECT_P:
        subject = _pick(text["generic_subjects"], u[14])
    else:
        subject = _pick(text["subjects"][cat], u[14])
    body = sep.join(s for s in (greeting, *sentences, closing) if s)
    return subject.format(item=item), body.format(item=item, days=days), bool(mixed), False


def make_ticket_messages(*, tickets: pd.DataFrame, customers: pd.DataFrame, order_items: pd.DataFrame,
                         rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The first message of each of one block's tickets, and its truth.

    Parameters
    ----------
    tickets : DataFrame
        The block's tickets: int64 ``ticket_id``, ``customer_id``, ``order_id`` (−1: none); ``category``,
        ``opened_ts``.
    customers : DataFrame
        The block's customers (int64 ``customer_id``, ``locale``): the message's language.
    order_items : DataFrame
        The block's order lines (int64 ``order_id``, ``line_no``, ``category``): the product a message names
        is the order's first line's category.
    rng : Generator
        The block's ``ticket_messages`` stream.

    Returns
    -------
    messages : DataFrame
        ``schema.OBSERVED["ticket_messages"]`` in ticket order; ``sent_ts`` is the ticket's ``opened_ts``.
    truth : DataFrame
        ``schema.TRUTH["ticket_messages"]``: ``ticket_id``, ``ambiguous``, ``vague``.
    """
    n = len(tickets)
    locale = customers.set_index("customer_id")["locale"].reindex(tickets["customer_id"]).to_numpy(dtype=object)
    lang = language_of(locale)
    first_line = order_items[order_items["line_no"].to_numpy() == 1].set_index("order_id")["category"]
    item_cat = first_line.reindex(tickets["order_id"]).to_numpy(dtype=object)
    u = rng.random((n, _U))
    cats = tickets["category"].to_numpy(dtype=object)
    rows = [_message(str(c), str(g), i if isinstance(i, str) else None, r)
            for c, g, i, r in zip(cats, lang, item_cat, u, strict=True)]
    subject, body, ambiguous, vague = (list(x) for x in zip(*rows, strict=True)) if rows else ([], [], [], [])
    messages = pd.DataFrame({"ticket_id": tickets["ticket_id"].to_numpy(dtype=np.int64),
                             "sent_ts": tickets["opened_ts"].to_numpy().astype("datetime64[s]"),
                             "language": pd.array(lang, dtype="str"), "subject": pd.array(subject, dtype="str"),
                             "body": pd.array(body, dtype="str")})
    truth = pd.DataFrame({"ticket_id": messages["ticket_id"].to_numpy(), "ambiguous": np.asarray(ambiguous, bool),
                          "vague": np.asarray(vague, bool)})
    return messages, truth


def fresh_messages(*, categories, languages, item_categories, rng: np.random.Generator) -> list[str]:
    """New first messages, ``"subject body"``, for tickets of the given categories: the same phrases and mixing
    as :func:`make_ticket_messages`, other draws — texts nobody has seen whose categories are known (lecture 10's
    routing is tested on them, so a router cannot pass by remembering the tickets it was shown).

    Parameters
    ----------
    categories, languages : sequence of str, length n
        Each message's ticket category (``schema.TICKET_CATEGORIES``) and language (zh, en, de, fr, ja).
    item_categories : sequence of str or None, length n
        The product category a message may name (``None``: a generic item).
    rng : Generator
        The draws (``_U`` uniforms per message).
    """
    u = rng.random((len(categories), _U))
    rows = [_message(str(c), str(g), i if isinstance(i, str) else None, r)
            for c, g, i, r in zip(categories, languages, item_categories, u, strict=True)]
    return [f"{subject} {body}" for subject, body, _, _ in rows]

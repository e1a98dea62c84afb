"""One search box for staff: a case by its reference, or a resident's cases by name, phone, email,
postcode, tenancy reference or UPRN.

What a handler types is read the way they mean it, whatever the spacing:

- "PR-2026-000190", "pr 2026 190" or "2026-190": that reference (found through its unique index);
- "000190" or "190": that number in every year references were issued (one probe per year);
- "07700 900123", "07700-900-123", "+44 7700 900123": the phone number, compared digits only;
- "SW1A 1AA" or "sw1a1aa": the postcode, compared without spaces;
- an email address, a tenancy reference or a UPRN: exactly (any case);
- anything else: part of a resident's name.

The search returns matching cases, open and closed. Each kind of match is one query on its own
index (residents.models keeps the expression indexes for phone, postcode, email and tenancy
reference); only part of a name reads the residents table, which is far smaller than the cases.
The residents' cases then come through the index on Case.resident. Measured in
benchmarks/queue.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from array import array
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, CharField, F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper

from putright.cases.models import Case, ReferenceCounter
from putright.performance import names
from putright.performance.compiled import GENERIC, Compiled
from putright.residents.models import Resident, phone_digits, postcode_key

REFERENCE = re.compile(r"^([A-Z]+)[\s-]*(\d{4})[\s-]+(\d{1,9})$")
YEAR_NUMBER = re.compile(r"^(\d{4})[\s-]+(\d{1,9})$")
NUMBER = re.compile(r"^\d{1,9}$")
PHONE = re.compile(r"^\+?[\d\s().-]{6,}$")
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$")


@dataclass(frozen=True)
class Query:
    text: str

    @property
    def compact(self) -> str:
        return re.sub(r"\s+", " ", self.text.strip())

    @property
    def upper(self) -> str:
        return self.compact.upper()

    @property
    def digits(self) -> str:
        return re.sub(r"\D", "", self.text)


def _prefix() -> str:
    from putright.cases import actions

    return actions.REFERENCE_PREFIX


def reference_candidates(query: Query) -> list[str]:
    """The references the text could mean, in PutRight's form (PREFIX-YEAR-NNNNNN)."""
    text = query.upper
    prefix = _prefix()
    candidates = [text]
    if m := REFERENCE.match(text):
        candidates.append(f"{m[1]}-{m[2]}-{int(m[3]):06d}")
    elif m := YEAR_NUMBER.match(text):
        candidates.append(f"{prefix}-{m[1]}-{int(m[2]):06d}")
    elif NUMBER.match(text) and int(text) > 0:
        years = ReferenceCounter.objects.values_list("year", flat=True)
        candidates += [f"{prefix}-{year}-{int(text):06d}" for year in years]
    return list(dict.fromkeys(candidates))


def phone_variants(query: Query) -> list[str]:
    """A UK number as it may have been written: 07700900123 and +447700900123 are one number."""
    if not PHONE.match(query.compact) or len(query.digits) < 6:
        return []
    digits = query.digits
    if query.compact.startswith("+44") or (digits.startswith("44") and len(digits) == 12):
        national = "0" + digits[2:]
    else:
        national = digits
    variants = {national, digits}
    if national.startswith("0"):
        variants.add("+44" + national[1:])
        variants.add("44" + national[1:])
    return sorted(variants)


#: At most this many residents are looked up for one search: those on record longest (the lowest
#: ids), the same ones every time. A search that names more is too broad to be useful, and the
#: queue says so (`Residents.more`). Without an order PostgreSQL gave a different thousand each
#: time: a scan of a table over a quarter of shared_buffers starts where another left off
#: (synchronize_seqscans), so a page, its total and its "Next" page each had residents of their own.
MAX_RESIDENTS = 1000


class AsIndexed(Func):
    """An expression with its constants written into the SQL, not passed as parameters: a
    database uses an expression index only for the very expression it was made with, and the
    index has its constants written in (the phone and postcode indexes' separators). With them
    passed as parameters, SQLite read every resident instead (0.8 s a search at a million cases),
    and so did PostgreSQL's plan for any values (157 ms), so it planned the search for its values
    every time (0.5 ms) rather than keep it (`_tests_query`)."""

    template = "%(expressions)s"

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        if not params:
            return sql, params
        if not all(isinstance(p, str) and len(p) <= 2 for p in params):  # only the separators, never what was typed
            return sql, params
        return sql % tuple("'" + p.replace("'", "''") + "'" for p in params), []


class AmongIds(Func):
    """`column IN ids` with the ids as one parameter, however many: PostgreSQL's `= ANY(array)`,
    SQLite's `IN (SELECT value FROM json_each(list))`. Both probe the column's index once an id,
    as an IN list does, and stay one arm of an OR the planners answer index by index; but the
    ORM prepares, copies and binds one value, not one a resident (a postcode shared by 200
    residents cost 1.8 ms of Python for each query that repeated the list).

    On PostgreSQL the array goes as its text, `'{1,2,3}'::bigint[]`: psycopg dumps a list
    element by element (choosing the smallest integer type that holds them all), 0.5-0.9 ms for
    the 1,000 ids of a search most names match, for each statement that carries them (the
    page's rows and its total); the text is joined in under 0.1 ms."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, ids: list[int]):
        super().__init__(F(column))
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s::bigint[])", [*params, "{" + ",".join(map(str, self.ids)) + "}"]
        return f"{column} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.ids)]


#: The tests a search can make of residents, in the order they are asked. NAME_SCAN: part of a
#: name of two letters, or with a LIKE wildcard or escape in it (%, _ or \\), which SQLite's
#: trigram table cannot answer from its index: every name is read.
EMAIL, TENANCY, UPRN, PHONE_TEST, POSTCODE_TEST, NAME, NAME_SCAN = "email", "tenancy", "uprn", "phone", "postcode", "name", "name_scan"
#: SQLite: residents whose name has the text in it, from the names' trigrams (FTS5 folds case).
NAME_TRIGRAMS = f"SELECT rowid FROM {names.TABLE} WHERE name LIKE '%%' || %s || '%%' ORDER BY rowid LIMIT {MAX_RESIDENTS + 1}"
#: Phone variants asked in one test (fewer are repeated to fill it): a number has at most four.
PHONE_SLOTS = 4


def _tests_query(tests: tuple[str, ...]):
    """The residents' UNION ALL for these tests, as a function of the values searched for (one
    each, PHONE_SLOTS for the phone): its SQL is written once per database (Compiled)."""

    def build(*values):
        residents = Resident.objects.order_by()
        values = list(values)
        parts = []
        for test in tests:
            if test == EMAIL:
                parts.append(residents.annotate(k=Upper("email")).filter(k=values.pop(0)))
            elif test == TENANCY:
                parts.append(residents.annotate(k=Upper("tenancy_reference")).filter(k=values.pop(0)))
            elif test == UPRN:
                parts.append(residents.filter(uprn=values.pop(0)))
            elif test == PHONE_TEST:
                phones, values = values[:PHONE_SLOTS], values[PHONE_SLOTS:]
                parts.append(residents.annotate(k=AsIndexed(phone_digits(), output_field=CharField())).filter(k__in=phones))
            elif test == POSTCODE_TEST:
                parts.append(residents.annotate(k=AsIndexed(postcode_key(), output_field=CharField())).filter(k=values.pop(0)))
            elif test == NAME and connection.vendor == "sqlite":
                # From the names' trigrams (performance.names), not every name read.
                parts.append(residents.filter(pk__in=RawSQL(NAME_TRIGRAMS, [values.pop(0)])))
            elif test in (NAME, NAME_SCAN):
                # As name__icontains, with the text a value of the SQL (escaped there, not in
                # Python); on PostgreSQL answered from the trigram index of UPPER(name). The
                # first by id: a text most names have reads the primary key's index in order.
                named = residents.annotate(k=Upper("name")).filter(k__contains=Upper(Value(values.pop(0), output_field=CharField())))
                if connection.features.supports_slicing_ordering_in_compound:
                    parts.append(named.order_by("pk")[:MAX_RESIDENTS + 1])
                else:  # SQLite: no ORDER BY in a part of a UNION, so in a subquery of its own
                    parts.append(residents.filter(pk__in=named.order_by("pk").values("pk")[:MAX_RESIDENTS + 1]))
        ids = [part.values_list("pk", flat=True) for part in parts]
        # The name's test comes last: one more than kept tells the queue there were more.
        return ids[0].union(*ids[1:], all=True)[:MAX_RESIDENTS + 1]

    arity = sum(PHONE_SLOTS if test == PHONE_TEST else 1 for test in tests)
    # On PostgreSQL, tests of equality on their own indexes are planned once for any values: the
    # server kept planning them for the values each time (0.5 ms a search, more than it spent
    # answering). Part of a name stays planned for its text: how many names have it decides
    # whether reading its trigrams or the residents in order is quicker.
    by_name = NAME in tests or NAME_SCAN in tests
    return Compiled(build, *(str,) * arity, planning="" if by_name else GENERIC)


_QUERIES: dict[tuple[str, ...], Compiled] = {}


@dataclass(frozen=True)
class Residents:
    """The residents a search found: their ids (at most MAX_RESIDENTS, in order), and whether
    more matched than that."""

    ids: list[int]
    more: bool


def found_residents(query: Query) -> Residents:
    """The residents the text names: by phone, postcode, email, tenancy reference, UPRN or
    name. Each test is its own SELECT on its own index (an OR of them would read every resident),
    except part of a name, which reads the residents table once; they are sent as one query,
    whose SQL the ORM writes once for each combination of tests (building and compiling it cost
    more than the database's time)."""
    text = query.compact
    tests: list[str] = [EMAIL, TENANCY]
    values: list[str] = [text.upper(), text.upper()]
    if query.digits and query.digits == text:
        tests.append(UPRN)
        values.append(text)
    phones = phone_variants(query)
    if phones:
        tests.append(PHONE_TEST)
        values += (phones * PHONE_SLOTS)[:PHONE_SLOTS]
    if POSTCODE.match(query.upper):
        tests.append(POSTCODE_TEST)
        values.append(query.upper.replace(" ", ""))
    # A name has no digits: a postcode or reference typed in is not looked for in every name
    # (the one search that reads the whole residents table).
    if not phones and len(text) >= 2 and "@" not in text and not any(ch.isdigit() for ch in text):
        # Trigrams need three letters; FTS5 cannot use them for a LIKE with an ESCAPE clause.
        tests.append(NAME_SCAN if len(text) < 3 or any(ch in text for ch in "%_\\") else NAME)
        values.append(text)
    key = tuple(tests)
    compiled = _QUERIES.get(key)
    if compiled is None:
        compiled = _QUERIES.setdefault(key, _tests_query(key))
    found = list(dict.fromkeys(pk for (pk,) in compiled.rows(*values)))  # in order, each once
    return Residents(sorted(found[:MAX_RESIDENTS]), len(found) > MAX_RESIDENTS)


@dataclass(frozen=True)
class Searched:
    """What the search box found: `where`, a filter on Case (None for an empty search), and
    `more_residents`, whether more residents matched than the search looks up (MAX_RESIDENTS)."""

    where: Q | None
    more_residents: bool = False
    #: How many residents it found (at most MAX_RESIDENTS).
    residents: int = 0
    #: What `where` is made of, to keep the queries built from it by (putright.cases.views.queue_kept):
    #: the references looked for and a digest of the residents' ids.
    key: tuple = ()


def searched(text: str) -> Searched:
    """The cases the text finds (a case by reference, a resident's cases), as a filter on Case."""
    query = Query(text)
    if not query.compact:
        return Searched(None)
    references = reference_candidates(query)
    where = Q(reference__in=references)
    residents = found_residents(query)
    ids = hashlib.blake2b(array("q", residents.ids).tobytes(), digest_size=16).digest()
    return Searched(where | Q(AmongIds("resident_id", residents.ids)) if residents.ids else where, residents.more, len(residents.ids),
                    (tuple(references), ids))


def exact_reference(text: str) -> str | None:
    """The one case a reference-like search names, so the search can open it straight away."""
    query = Query(text)
    if not query.compact or not (REFERENCE.match(query.upper) or YEAR_NUMBER.match(query.upper) or NUMBER.match(query.upper)):
        return None
    found = list(Case.objects.filter(reference__in=reference_candidates(query)).values_list("reference", flat=True)[:2])
    return found[0] if len(found) == 1 else None

"""The model's state, declared once: every column of the youth and advisor tables.

A column has a name, a numpy dtype, a value before it is first set, a meaning, and, for a
categorical column, the words its codes stand for (``sim.codes``). Everything that holds
or shows state follows from these declarations:

* the numba engine's tables are named tuples of numpy arrays of these dtypes
  (:func:`empty_youths`, :func:`advisor_table`);
* the Mesa engine's tables are the same named tuples of Python lists (:func:`python_youths`),
  so that the decisions of ``sim.processes`` run on either unchanged;
* the agents' readable attributes (``sim.agents``) are made from the columns;
* the youths table of the output (``EngineOutput.youths``) holds the columns marked
  ``output``.

Adding a column is one line here; the engines, agents and outputs take it up.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass

import numpy as np

from sim.codes import (
    BENEFIT,
    BIRTH_REGION,
    COUNTY,
    EDUCATION,
    EMPLOYER,
    INNSATSGRUPPE,
    LABOUR_ATTACHMENT,
    QUEUE_STATE,
    ROLE,
    SEX,
    STATUS,
    TILTAK_TYPE,
)


@dataclass(frozen=True)
class Column:
    """One column of a state table."""

    name: str
    dtype: type
    meaning: str
    initial: int | float | bool = 0
    #: the words of a categorical column's codes (``sim.codes``); a code below 0 reads None
    labels: tuple[str, ...] | None = None
    #: the agent attribute that reads the column in words (default: the column's name)
    word: str | None = None
    #: fixed for life and written to the output's youths table
    output: bool = False

    @property
    def attribute(self) -> str:
        return self.word or self.name


YOUTH_COLUMNS: tuple[Column, ...] = (
    # fixed at entry
    Column("entry_week", np.int32, "week of first registration (or of direct uføretrygd)", output=True),
    Column("entry_kind", np.int8, "0 regular, 1 laid off (pandemic), 2 direct uføretrygd at 18", output=True),
    Column("birth_week", np.int32, "week of birth (ages are whole years of 52 weeks)", output=True),
    Column("need", np.int8, "true innsatsgruppe", labels=INNSATSGRUPPE, word="true_need", output=True),
    Column("sex", np.int8, "sex", labels=SEX, output=True),
    Column("education", np.int8, "completed education", labels=EDUCATION, output=True),
    Column("birth_region", np.int8, "region of birth", labels=BIRTH_REGION, output=True),
    Column("children", np.bool_, "has children", output=True),
    Column("mental_health", np.bool_, "mental health problem", output=True),
    Column("other_health", np.bool_, "other health problem", output=True),
    Column("dialogue_user", np.bool_, "uses the activity plan's dialogue"),
    Column("dialogue_active", np.bool_, "a dialogue user whose dialogue is going on now"),
    Column("office", np.int16, "Nav office", output=True),
    Column("county", np.int8, "county (fylke) of the office", labels=COUNTY, output=True),
    # the current spell
    Column("status", np.int8, "where the youth is", labels=STATUS),
    Column("group", np.int8, "assessed innsatsgruppe, -1 before the first §14a", initial=-1,
           labels=INNSATSGRUPPE, word="innsatsgruppe"),
    Column("advisor", np.int32, "advisor id, -1 none (waiting for one)", initial=-1),
    Column("assigned_week", np.int32, "week the current advisor was assigned"),
    Column("wait_since", np.int32, "week the youth started waiting for an advisor"),
    Column("pending", np.bool_, "assigned, first contact not yet made"),
    Column("tiltak", np.int8, "tiltak queue state", labels=QUEUE_STATE),
    Column("tiltak_since", np.int32, "week of joining the tiltak list, or of starting the tiltak"),
    Column("tiltak_type", np.int8, "kind of tiltak referred to, in, or last left; -1 never referred",
           initial=-1, labels=TILTAK_TYPE),
    Column("tiltak_ended", np.int32, "week the last tiltak ended, -1 none (the post-programme effect)",
           initial=-1),
    Column("treatment", np.int8, "medical treatment queue state", labels=QUEUE_STATE),
    Column("ips", np.int8, "IPS queue state", labels=QUEUE_STATE),
    Column("ips_since", np.int32, "week of the IPS referral"),
    Column("labour", np.int8, "labour attachment", labels=LABOUR_ATTACHMENT, word="labour_attachment"),
    Column("benefit", np.int8, "benefit received", labels=BENEFIT),
    Column("benefit_since", np.int32, "week the benefit started"),
    Column("dagpenger_weeks", np.int16, "length of the dagpenger period set at entry, by earlier earnings"),
    Column("job_search", np.int8, "1 engaged in job search, 0 not"),
    Column("reg_week", np.int32, "week the current spell started"),
    Column("last_meeting", np.int32, "week of the last meeting with the advisor"),
    Column("last_contact", np.int32, "week of the last contact of any channel"),
    Column("intensity", np.float64, "follow-up intensity: recent contacts, fading (the mechanism)"),
    Column("contacted", np.bool_, "contacted by the advisor this week (scratch of the contact phase)"),
)

#: Advisor columns. ``contacts`` has a second axis (channels); ``office_start`` and
#: ``office_members`` index the advisors by office (CSR) and are as long as the offices
#: and the advisors, not one per advisor.
ADVISOR_COLUMNS: tuple[Column, ...] = (
    Column("role", np.int8, "youth, older-user or both-age advisor", labels=ROLE),
    Column("office", np.int16, "Nav office"),
    Column("employer", np.int8, "state (stat) or municipal (kommune) employee", labels=EMPLOYER),
    Column("older", np.int32, "older users (30+) in the portfolio this week, exogenous"),
    Column("older_base", np.int32, "older users at set-up, before the year's index"),
    Column("capacity", np.float64, "users carried relative to a colleague of the role (mean 1)"),
    Column("active", np.bool_, "someone fills the slot this week (staffing levers, hires)"),
    Column("hired", np.bool_, "a hire slot, opened only by a cap of mode hire"),
    Column("n_youths", np.int32, "young users in the portfolio"),
    Column("n_target", np.int32,
           "young users of the ungdomsgaranti's target group (situasjonsbestemt, spesielt tilpasset)"),
    Column("contacts", np.int32, "contacts given this week by channel, youths and older users"),
    Column("office_start", np.int32,
           "advisors of office o: office_members[office_start[o]:office_start[o + 1]]"),
    Column("office_members", np.int32, "advisor ids by office, ascending within an office"),
)

Youths = namedtuple("Youths", [c.name for c in YOUTH_COLUMNS])  # noqa: PYI024
Youths.__doc__ = "The youth table: one element per youth in each column (``YOUTH_COLUMNS``)."
Advisors = namedtuple("Advisors", [c.name for c in ADVISOR_COLUMNS])  # noqa: PYI024
Advisors.__doc__ = "The advisor table (``ADVISOR_COLUMNS``)."

#: The columns written to the output's youths table, in order.
OUTPUT_YOUTH_COLUMNS = tuple(c.name for c in YOUTH_COLUMNS if c.output)


def empty_youths(n: int) -> Youths:
    """A youth table of ``n`` rows, every column at its initial value."""
    return Youths(*(np.full(n, c.initial, dtype=c.dtype) for c in YOUTH_COLUMNS))


def python_youths() -> Youths:
    """An empty youth table of Python lists, grown a row at a time (:func:`append_youth`)."""
    return Youths(*([] for _ in YOUTH_COLUMNS))


def append_youth(table: Youths, **fixed: int) -> int:
    """Add a row to a table of lists: the given columns set, the others at their initial
    value. Returns the new row's id."""
    for c, col in zip(YOUTH_COLUMNS, table, strict=True):
        col.append(fixed.get(c.name, c.initial))
    return len(table.status) - 1


def advisor_table(layout, n_channels: int, python: bool = False) -> Advisors:
    """The advisor table for an advisor layout (``sim.engine.setup.AdvisorLayout``).

    Older-user and both-age advisors start active; ordinary youth advisors are set by the
    staffing step, hire slots by a cap of mode ``hire``. With ``python`` the one-per-advisor
    columns are Python lists (the Mesa engine); ``contacts`` stays a 2-D array.
    """
    n = len(layout.role)
    active = (layout.role != ROLE.index("youth")) & ~layout.hired
    columns = {
        "role": layout.role, "office": layout.office, "employer": layout.employer,
        "older": layout.older.copy(), "older_base": layout.older, "capacity": layout.capacity,
        "active": active.astype(np.bool_), "hired": layout.hired, "n_youths": np.zeros(n, dtype=np.int32),
        "n_target": np.zeros(n, dtype=np.int32),
        "contacts": np.zeros((n, n_channels), dtype=np.int32),
        "office_start": layout.office_start, "office_members": layout.office_members,
    }
    if python:
        columns = {k: (v if k == "contacts" else v.tolist()) for k, v in columns.items()}
    return Advisors(**columns)


def readable(column: Column, code):
    """A column's value as an agent shows it: the word of a categorical code (None below
    0), a Python scalar otherwise."""
    if column.labels is not None:
        return column.labels[code] if code >= 0 else None
    return code.item() if isinstance(code, np.generic) else code


def column_property(column: Column, table: str, row: str) -> property:
    """An agent's read-only attribute for ``column``: the value, in words for a categorical
    column, of the engine's table ``table`` (``youths`` or ``advisors``) at the agent's
    ``row`` attribute, read at each access so that it follows the model as it steps."""

    def read(agent):  # noqa: ANN001, ANN202
        return readable(column, getattr(getattr(agent.engine, table), column.name)[getattr(agent, row)])

    read.__doc__ = column.meaning
    return property(read)

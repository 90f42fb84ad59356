"""The model's vocabulary: integer codes for categorical states and their Norwegian names.

Both engines store categories as small integers (struct-of-arrays, numba-friendly); every
output file and every message uses the names below, which are the field's own words
(see docs/MODEL.md). The order of each tuple *is* the code: index 0 is code 0.
Changing an order changes the meaning of stored results, so append, never reorder.
"""

from __future__ import annotations

INNSATSGRUPPE: tuple[str, ...] = (
    "standard",
    "situasjonsbestemt",
    "spesielt_tilpasset",
    "varig_tilpasset",
)
STANDARD, SITUASJONSBESTEMT, SPESIELT_TILPASSET, VARIG_TILPASSET = range(4)

SEX: tuple[str, ...] = ("female", "male")
EDUCATION: tuple[str, ...] = ("compulsory", "upper_secondary", "higher", "unknown")
COMPULSORY, UPPER_SECONDARY, HIGHER, EDU_UNKNOWN = range(4)
BIRTH_REGION: tuple[str, ...] = (
    "norway",
    "western_europe",
    "eastern_eu",
    "asia_africa_america",
    "non_resident",
)
AGE_BAND: tuple[str, ...] = ("16-19", "20-24", "25-29")

#: The 15 counties (fylker) of the 2024 division, in SSB's order of county numbers (03 Oslo
#: to 56 Finnmark). Every office belongs to one; a youth's county is their office's.
COUNTY: tuple[str, ...] = (
    "oslo",
    "rogaland",
    "more_og_romsdal",
    "nordland",
    "ostfold",
    "akershus",
    "buskerud",
    "innlandet",
    "vestfold",
    "telemark",
    "agder",
    "vestland",
    "trondelag",
    "troms",
    "finnmark",
)

#: Benefit a youth receives; ``ufore`` is absorbing. ``kvp``: in the municipal
#: kvalifiseringsprogram, paid kvalifiseringsstønad instead of sosialhjelp.
BENEFIT: tuple[str, ...] = ("none", "aap", "dagpenger", "tiltakspenger", "sosialhjelp", "ufore", "kvp")
B_NONE, B_AAP, B_DAGPENGER, B_TILTAKSPENGER, B_SOSIALHJELP, B_UFORE, B_KVP = range(7)

LABOUR_ATTACHMENT: tuple[str, ...] = ("none", "partly_working", "laid_off")
LA_NONE, LA_PARTLY_WORKING, LA_LAID_OFF = range(3)

#: Tiltak and treatment are queued resources: a youth is without, waiting, or in it.
QUEUE_STATE: tuple[str, ...] = ("none", "waiting", "in")
Q_NONE, Q_WAITING, Q_IN = range(3)
#: Kinds of tiltak (labour-market programme), as Nav's statistics group them: wage subsidy
#: (lønnstilskudd), training including AMO courses (opplæring), work practice
#: (arbeidstrening) and follow-up and the rest (oppfølging, with sheltered and other tiltak).
TILTAK_TYPE: tuple[str, ...] = ("lonnstilskudd", "opplaering", "arbeidstrening", "oppfolging")
N_TILTAK_TYPES = len(TILTAK_TYPE)

#: Where a youth is. ``follow_up`` is work-oriented follow-up at a Nav office.
STATUS: tuple[str, ...] = (
    "not_entered",
    "follow_up",
    "work",
    "education",
    "work_and_education",
    "outside",
    "ufore",
    "aged_out",
)
(
    S_NOT_ENTERED,
    S_FOLLOW_UP,
    S_WORK,
    S_EDUCATION,
    S_WORK_AND_EDUCATION,
    S_OUTSIDE,
    S_UFORE,
    S_AGED_OUT,
) = range(8)

#: Exit types are the statuses a youth can leave follow-up to.
EXIT_TYPES: tuple[str, ...] = ("work", "education", "work_and_education", "outside", "ufore", "aged_out")

#: Contact channels, in the order advisors spend their weekly budget.
CHANNEL: tuple[str, ...] = ("scheduled_meeting", "unscheduled_meeting", "activity_plan", "email_sms")
CH_SCHEDULED, CH_UNSCHEDULED, CH_ACTIVITY_PLAN, CH_EMAIL_SMS = range(4)
N_CHANNELS = len(CHANNEL)

#: Primary weekly activity, derived from the state flags (see ``sim.rules.primary_activity``).
ACTIVITY: tuple[str, ...] = (
    "job_search",
    "tiltak",
    "treatment",
    "treatment_and_work_activity",
    "partial_work",
    "no_activity",
)
(
    A_JOB_SEARCH,
    A_TILTAK,
    A_TREATMENT,
    A_TREATMENT_AND_WORK,
    A_PARTIAL_WORK,
    A_NO_ACTIVITY,
) = range(6)

ROLE: tuple[str, ...] = ("youth", "older", "both")
R_YOUTH, R_OLDER, R_BOTH = range(3)
EMPLOYER: tuple[str, ...] = ("stat", "kommune")

#: Event kinds in ``events.parquet``; see docs/OUTPUTS.md for the meaning of ``value``/``aux``.
EVENT_KIND: tuple[str, ...] = (
    "registration",  # first entry into follow-up; value 0
    "return",  # re-entry after an exit; value = status code left (work, education, ...)
    "exit",  # leaves follow-up (or, for ufore/aged_out, any status); value = status code
    "assessment",  # first §14a of a spell; value = innsatsgruppe code
    "reassessment",  # later §14a change; value = new innsatsgruppe code
    "advisor",  # advisor assignment; value = advisor id, -1 = none (waiting or churned)
    "contact",  # value = channel code; aux = advisor id, or -1 when the youth initiated it
    "tiltak",  # value = queue state (none/waiting/in); aux = 1 when a no-show lost the place
    "treatment",  # value = queue state (none/waiting/in)
    "labour_attachment",  # value = labour attachment code
    "benefit",  # value = benefit code
    "job_search",  # value = 1 engaged in job search, 0 not
    "ips",  # value = 1 in IPS (job specialist in treatment team), 0 not
    "ufore_direct",  # direct inflow to uføretrygd at 18 (never in follow-up); value 0
)
(
    EV_REGISTRATION,
    EV_RETURN,
    EV_EXIT,
    EV_ASSESSMENT,
    EV_REASSESSMENT,
    EV_ADVISOR,
    EV_CONTACT,
    EV_TILTAK,
    EV_TREATMENT,
    EV_LABOUR_ATTACHMENT,
    EV_BENEFIT,
    EV_JOB_SEARCH,
    EV_IPS,
    EV_UFORE_DIRECT,
) = range(14)

#: For each event kind, the tuple naming its ``value`` codes (None: value is a number/id).
EVENT_VALUE_LABELS: dict[str, tuple[str, ...] | None] = {
    "registration": None,
    "return": STATUS,
    "exit": STATUS,
    "assessment": INNSATSGRUPPE,
    "reassessment": INNSATSGRUPPE,
    "advisor": None,
    "contact": CHANNEL,
    "tiltak": QUEUE_STATE,
    "treatment": QUEUE_STATE,
    "labour_attachment": LABOUR_ATTACHMENT,
    "benefit": BENEFIT,
    "job_search": None,
    "ips": None,
    "ufore_direct": None,
}

#: Weeks per year used for ages (age = (week - birth_week) // WEEKS_PER_YEAR). Calendar
#: convention, not behaviour: the targets format (docs/TARGETS.md) defines a month as 52/12 weeks.
WEEKS_PER_YEAR = 52


def code(names: tuple[str, ...], name: str) -> int:
    """Return the code of ``name`` in ``names`` with an error that lists the valid names."""
    try:
        return names.index(name)
    except ValueError:
        raise ValueError(f"unknown value {name!r}; expected one of {', '.join(names)}") from None

"""The model's decisions, one module per process, each written once for both engines.

Every decision here is marked ``@decision`` (``sim.processes.decision``): compiled and
inlined when a numba kernel calls it, run as its plain Python twin when the Mesa engine's
agents call it. They take the state tables
(``sim.state``: named tuples of numpy arrays in the numba engine, of Python lists in the
Mesa engine), the parameters (``sim.params.Params``), the timeline of levers
(``sim.params.Timeline``, indexed by week), the week's random stream keys
(``sim.rng.week_keys``) and an event sink (``sim.processes.events``), and change the
row of one youth or advisor. What is left to the engines is the loops over the tables and
the queues: which rows a step visits, in which order (``sim.plan``).

=====================  ==============================================================
module                 decides
=====================  ==============================================================
``entry``              a youth's fixed attributes; registration and return (§14a,
                       starting benefits, labour attachment, job search)
``spells``             leaving an advisor, ending a spell, ageing out, coming back
``advisors``           staffing, churn, the portfolio cap, which advisor a youth gets
``contacts``           contact budgets and quotas, who is met first, what a contact
                       does to a youth, youths' own messages
``transitions``        a youth's week in follow-up: reassessment, benefits, treatment,
                       IPS, tiltak, job search, labour attachment, exits
``places``             taking a tiltak or IPS place
=====================  ==============================================================
"""

"""The interview behind ``p2pdocs new``, as logic without a terminal.

Questions are data (``questions.yaml``, read by ``questions``); ``interview`` is the flow
(what comes next, where it is, asking again only what is wrong); ``answers`` what the
answers make (the deal, its findings); ``crosschecks`` the rules across fields applied as
soon as their inputs are known; ``standard`` a section's standard answers offered at once;
``flags`` the playbook's findings as answers arrive; ``review`` the summary a person reads;
``prompt`` what a question looks like to the terminal; ``starting`` the bundled starting
deals. The terminal that asks them lives in :mod:`p2pdocs.cli`.
"""

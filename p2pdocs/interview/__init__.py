"""The interview behind ``p2pdocs new``, as logic without a terminal.

Questions are data (``questions.yaml``, read by ``questions``); ``interview`` decides what
comes next, its default and its checks, and flags playbook findings as answers arrive.
The terminal that asks them lives in :mod:`p2pdocs.cli`.
"""

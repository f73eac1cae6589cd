"""The reviewer playbook: rules as data (``playbook.yaml``) evaluated on a deal.

``findings`` evaluates the rules on a whole or partial deal; ``standard`` applies the
standard positions of the field catalogue (``compose/fields.yaml``) for ``redline
--against standard``. Read by the documents (memo,
comments), the interview (flags as the user answers) and ``check``.
"""

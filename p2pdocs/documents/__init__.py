"""The documents a deal produces: agreement, statements of work, plan, memo, register.

Fourth stage. ``builders`` turns a validated deal into p2pdocs' own document objects
(``document``: composed clauses plus the values a template shows), one module per kind
(``agreement``, ``sow``, ``plan``), all reading the deal's view built once; ``keyterms``
gives the key terms and open items from the field catalogue; ``memo`` writes the review
memo, ``register`` the shared deal register workbook, ``comments`` the playbook's Word
comments.
"""

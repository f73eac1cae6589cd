"""The documents a deal produces: agreement, statements of work, plan, memo, register.

Fourth stage. ``builders`` turns a validated deal into p2pdocs' own document objects
(composed clauses plus the values a template shows); ``memo`` writes the review memo,
``register`` the shared deal register workbook, ``comments`` the playbook's Word comments.
"""

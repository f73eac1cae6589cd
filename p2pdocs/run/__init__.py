"""Running the pipeline: one deal (``generate``), many (``batch``, with its worker
``pool``, the ``outcomes`` of its deals and their ``manifest``), files written safely
(``outputs``), signing packets (``signing``), and the checks over what was made:
``verify`` a document, ``lint`` a clause library, ``rounds`` redlines two rounds of a deal.
"""

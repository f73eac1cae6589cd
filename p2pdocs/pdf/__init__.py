"""PDF: LibreOffice converts (``libreoffice``), pypdf assembles signing packets
(``packets``), drafts carry a watermark (``watermark``, with a font cut by ``fontsubset``).
"""

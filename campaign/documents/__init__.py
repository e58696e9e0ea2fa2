"""The files a letter becomes: DOCX, PDF, email, and the print pack for the post office.

Each module imports its heavy library (python-docx, docxtpl, reportlab, pypdf) inside
the functions that need it, so importing this package costs nothing.
"""

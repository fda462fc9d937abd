"""Annual-report (政府信息公开工作年度报告) checking, as small pure steps.

``source`` turns blocks into lines and cells, ``sections`` finds the six
headings, ``parse_*`` turn lines or cells into rows, ``tables`` gives rows their
meaning, ``arithmetic`` and ``crosscheck`` find inconsistencies, ``report``
runs them in order. Nothing here builds findings: ``auditor.checks.annual_report``
does, through the FindingMaker.
"""

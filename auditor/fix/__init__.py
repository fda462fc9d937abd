"""``auditor fix``: de-identified copies of disclosures, in the same format.

plan.py decides what to mask (the scan's own detections, masked per policy by
masks.py, plus a hook for name/address providers); text.py + html.py,
xlsx.py and docx.py put the masks back into bytes, cells and runs;
changelog.py records locations and masked forms (never raw values); run.py
walks the inputs and writes the mirror (paths.py refuses the input tree);
verify.py checks a copy against its original; cli.py registers the command.
"""

"""Sustainability-report formats filled from an assessment: EFRAG's VSME template
(:mod:`.vsme`) and the ESRS E5 datapoints (:mod:`.esrs`). docs/reporting.md maps each
figure to its paragraph and says what is left to the undertaking.
"""

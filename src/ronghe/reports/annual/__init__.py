"""年度工作报告 (issue 20 item 2): sections filled from the records, text written by the users, Word."""

"""Credit records (红名单, 经营异常名录, 严重违法失信名单), repair, and the joint punishment / incentive rules."""

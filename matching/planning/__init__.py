"""Beyond one suggestion list: team proposals (组团建议) for gap needs and emerging needs that no
category covers (Art. 9), both for people who plan what to do next."""

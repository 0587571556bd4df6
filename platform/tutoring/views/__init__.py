"""The marketplace's website: ``learner`` (directory, teacher pages, booking, paying, the
learner's lessons), ``teach`` (the teacher's onboarding, gigs, hours, requests, earnings) and
``group_sessions`` (group classes for both)."""

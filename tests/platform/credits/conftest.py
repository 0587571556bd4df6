from credits.testing import (  # noqa: F401
    feature_price,
    free_plan,
    give_credits,
    package,
    premium_plan,
)

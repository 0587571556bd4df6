from cms.learning.testing import learning_tree, make_lesson  # noqa: F401
from credits.testing import give_credits  # noqa: F401
from tutoring.testing import make_gig, make_listing  # noqa: F401

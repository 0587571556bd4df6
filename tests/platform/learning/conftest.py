from cms.learning.testing import learning_tree, make_lesson  # noqa: F401

from cms.learning.testing import learning_tree, make_lesson, translate_lesson  # noqa: F401

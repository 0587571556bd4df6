from tests.cms.learning.conftest import learning_tree, make_lesson  # noqa: F401

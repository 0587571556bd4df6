from cms.abroad.testing import abroad_tree, make_course, make_homestay  # noqa: F401

from wagtail import blocks


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    button_label = blocks.CharBlock(required=False, max_length=40)
    button_link = blocks.URLBlock(required=False)

    class Meta:
        icon = "pick"
        template = "blocks/hero_block.html"
        description = "A large heading with a short text and an optional button."
        preview_value = {
            "heading": "Learn a language by speaking it",
            "text": "Lessons, tutors and an AI partner in one place.",
            "button_label": "Start learning",
            "button_link": "https://example.com/",
        }


class FeatureBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(max_length=300)

    class Meta:
        icon = "tick"
        template = "blocks/feature_block.html"
        description = "One feature: a title and a sentence or two."
        preview_value = {"title": "Live tutors", "text": "Book a lesson with a verified teacher."}


class HomeStreamBlock(blocks.StreamBlock):
    hero = HeroBlock()
    features = blocks.ListBlock(FeatureBlock(), template="blocks/feature_list_block.html")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h2", "h3"])

"""Content blocks of a lesson: text, figures, video, audio, embeds and vocabulary lists."""

from __future__ import annotations

from typing import Any

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from .common import struct_error

AUDIO_EXTENSIONS = {"mp3", "ogg", "oga", "wav", "m4a", "webm", "opus"}
VIDEO_EXTENSIONS = {"mp4", "webm", "ogv"}
CAPTION_EXTENSIONS = {"vtt"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("features", ["bold", "italic", "link", "ol", "ul", "h2", "h3"])
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/learning/paragraph_block.html"
        description = "Text with headings, lists and links."
        preview_value = "<p>In English we say <b>hello</b> to greet someone at any time of day.</p>"


def document_representation(document: Any) -> dict[str, Any] | None:
    if document is None:
        return None
    return {
        "id": document.id,
        "title": document.title,
        "url": document.url,
        "extension": document.file_extension,
    }


def image_representation(image: Any, alt: str = "") -> dict[str, Any] | None:
    if image is None:
        return None
    rendition = image.get_rendition("max-1200x1200")
    return {
        "id": image.id,
        "url": rendition.url,
        "width": rendition.width,
        "height": rendition.height,
        "alt": alt or image.default_alt_text,
    }


class FileTypeMixin:
    allowed_extensions: dict[str, set[str]] = {}

    def clean(self, value: Any) -> Any:
        value = super().clean(value)  # type: ignore[misc]
        for field, extensions in self.allowed_extensions.items():
            document = value.get(field)
            if document is not None and document.file_extension.lower() not in extensions:
                raise struct_error(
                    field, f"Upload one of these file types: {', '.join(sorted(extensions))}."
                )
        return value


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=200, required=False, help_text="Describe the image for screen readers."
    )
    caption = blocks.CharBlock(max_length=250, required=False)

    def get_api_representation(self, value: Any, context: Any = None) -> dict[str, Any]:
        return {
            "image": image_representation(value["image"], value["alt_text"]),
            "caption": value["caption"],
        }

    class Meta:
        icon = "image"
        template = "blocks/learning/figure_block.html"
        description = "An image with alternative text and an optional caption."
        preview_value = {"caption": "A café in the morning"}


class VideoBlock(FileTypeMixin, blocks.StructBlock):
    video = DocumentChooserBlock(help_text="An uploaded MP4 or WebM file.")
    poster = ImageChooserBlock(required=False)
    captions = DocumentChooserBlock(required=False, help_text="A WebVTT (.vtt) captions file.")
    transcript = blocks.TextBlock(required=False)

    allowed_extensions = {"video": VIDEO_EXTENSIONS, "captions": CAPTION_EXTENSIONS}

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value.get("captions") and not value.get("transcript"):
            raise struct_error(
                "transcript", "Add captions or a transcript for learners who cannot hear."
            )
        return value

    def get_api_representation(self, value: Any, context: Any = None) -> dict[str, Any]:
        return {
            "video": document_representation(value["video"]),
            "poster": image_representation(value["poster"]),
            "captions": document_representation(value["captions"]),
            "transcript": value["transcript"],
        }

    class Meta:
        icon = "media"
        template = "blocks/learning/video_block.html"
        description = "An uploaded video with captions or a transcript."
        preview_value = {"transcript": "Hello! My name is Anna. Nice to meet you."}


class AudioBlock(FileTypeMixin, blocks.StructBlock):
    audio = DocumentChooserBlock(help_text="An uploaded MP3, OGG, WAV, M4A or WebM file.")
    caption = blocks.CharBlock(max_length=250, required=False)
    transcript = blocks.TextBlock(required=False)

    allowed_extensions = {"audio": AUDIO_EXTENSIONS}

    def get_api_representation(self, value: Any, context: Any = None) -> dict[str, Any]:
        return {
            "audio": document_representation(value["audio"]),
            "caption": value["caption"],
            "transcript": value["transcript"],
        }

    class Meta:
        icon = "doc-full"
        template = "blocks/learning/audio_block.html"
        description = "An uploaded recording with an optional transcript."
        preview_value = {"caption": "Listen and repeat", "transcript": "Good morning!"}


class EmbedWithCaptionBlock(blocks.StructBlock):
    embed = EmbedBlock(help_text="A link to a video or page that offers an embed (oEmbed).")
    caption = blocks.CharBlock(max_length=250, required=False)

    def get_api_representation(self, value: Any, context: Any = None) -> dict[str, Any]:
        embed = value["embed"]
        return {"url": embed.url if embed else None, "caption": value["caption"]}

    class Meta:
        icon = "code"
        template = "blocks/learning/embed_block.html"
        description = "An embedded video or page from another site."
        preview_value = {"caption": "A short video about greetings"}


class VocabularyItemBlock(blocks.StructBlock):
    word = blocks.CharBlock(max_length=100)
    translation = blocks.CharBlock(max_length=200)
    example = blocks.CharBlock(max_length=300, required=False)
    audio = DocumentChooserBlock(required=False, help_text="How the word sounds.")

    def get_api_representation(self, value: Any, context: Any = None) -> dict[str, Any]:
        return {
            "word": value["word"],
            "translation": value["translation"],
            "example": value["example"],
            "audio": document_representation(value["audio"]),
        }


class VocabularyListBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, required=False)
    words = blocks.ListBlock(VocabularyItemBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "blocks/learning/vocabulary_list_block.html"
        description = "Words with their translation, an example and how they sound."
        preview_value = {
            "title": "Greetings",
            "words": [
                {"word": "hello", "translation": "hola", "example": "Hello, Anna!"},
                {"word": "goodbye", "translation": "adiós", "example": "Goodbye, see you soon."},
            ],
        }


# Migrations name blocks by the package path, which stays the same when a block moves
# between its modules (wagtail reads this mapping in Block.canonical_module_path).
DECONSTRUCT_ALIASES = {ParagraphBlock: "cms.learning.blocks.ParagraphBlock"}

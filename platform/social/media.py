"""A moment's media, checked by content: photos re-encoded (EXIF and location dropped) into a
display size and a thumbnail; a voice clip sniffed by libmagic and probed by ffprobe for
its real length; a video sniffed, probed (a real video stream in a web-playable codec,
length, size, resolution), remuxed by ffmpeg without its metadata (location, creation
time, device) and given a poster frame. Nothing the client says about a file (name, type)
is believed."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.antivirus import scan
from core.uploads import AUDIO_TYPES, EXTENSIONS, RejectedUpload, checked_type, stored_name

from .errors import InvalidMedia

IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
MAX_PIXELS = 40_000_000
DISPLAY_SIDE = 1600
THUMBNAIL_SIDE = 480


@dataclass(frozen=True)
class ProcessedImage:
    file: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedVoice:
    file: ContentFile
    mime: str
    duration_seconds: float


@dataclass(frozen=True)
class ProcessedVideo:
    file: ContentFile
    poster: ContentFile
    mime: str
    width: int
    height: int
    duration_seconds: float


# What a video may arrive in (sniffed): phones' MP4/MOV, browsers' WebM, Matroska.
VIDEO_TYPES = frozenset({"video/mp4", "video/quicktime", "video/webm", "video/x-matroska"})
# Web-playable video codecs and the container each is stored in; the audio codecs that
# container plays (other audio is re-encoded, which is quick; other video is refused).
VIDEO_CONTAINERS = {"h264": "mp4", "vp8": "webm", "vp9": "webm", "av1": "webm"}
AUDIO_FOR_CONTAINER = {"mp4": ({"aac"}, "aac"), "webm": ({"opus", "vorbis"}, "libopus")}
POSTER_SIDE = 960
FFMPEG_TIMEOUT_SECONDS = 120


def _read_limited(upload: UploadedFile, limit: int, too_big: str) -> bytes:
    if upload.size is not None and upload.size > limit:
        raise InvalidMedia(too_big)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidMedia(too_big)
    return data


def process_image(upload: UploadedFile) -> ProcessedImage:
    limit = settings.SOCIAL_MAX_IMAGE_BYTES
    data = _read_limited(
        upload, limit, _("A photo may be at most %(mb)s MB.") % {"mb": limit // 1024 // 1024}
    )
    not_image = _("Photos must be JPEG, PNG, WebP or GIF images.")
    try:
        with Image.open(BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidMedia(not_image) from exc
    if image_format not in IMAGE_FORMATS:
        raise InvalidMedia(not_image)
    if width * height > MAX_PIXELS:
        raise InvalidMedia(_("The photo has too many pixels."))
    scan(upload)
    try:
        opened = Image.open(BytesIO(data))
        opened.load()
    except (OSError, Image.DecompressionBombError) as exc:
        raise InvalidMedia(_("The photo is damaged.")) from exc
    upright = ImageOps.exif_transpose(opened)
    image = upright.convert("RGBA" if upright.mode in {"RGBA", "LA", "P"} else "RGB")
    stem = uuid.uuid4().hex

    def encode(side: int, suffix: str) -> tuple[ContentFile, tuple[int, int]]:
        copy = image.copy()
        copy.thumbnail((side, side), Image.Resampling.LANCZOS)
        buffer = BytesIO()
        # No exif/icc arguments: the output carries pixels only.
        copy.save(buffer, format="WEBP", quality=82, method=4)
        return ContentFile(buffer.getvalue(), name=f"{stem}{suffix}.webp"), copy.size

    display, size = encode(DISPLAY_SIDE, "")
    thumbnail, _size = encode(THUMBNAIL_SIDE, "-thumb")
    return ProcessedImage(file=display, thumbnail=thumbnail, width=size[0], height=size[1])


def probe_duration(data: bytes) -> float | None:
    """The clip's length in seconds as ffprobe reads it, or None if it cannot be read."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".clip") as clip:
        clip.write(data)
        clip.flush()
        try:
            # The end of the last packet: MediaRecorder's WebM has no duration in its
            # header, so the container's claim is not enough (nor to be trusted).
            result = subprocess.run(  # noqa: S603 - fixed arguments, our own temp file
                [
                    ffprobe,
                    "-v",
                    "error",
                    "-select_streams",
                    "a:0",
                    "-show_entries",
                    "packet=pts_time,duration_time",
                    "-of",
                    "json",
                    clip.name,
                ],
                capture_output=True,
                timeout=20,
                check=False,
            )
            packets = json.loads(result.stdout or b"{}").get("packets", [])
        except (subprocess.SubprocessError, ValueError, OSError):
            return None
    ends = [
        float(p["pts_time"]) + float(p.get("duration_time") or 0)
        for p in packets
        if p.get("pts_time") not in (None, "N/A")
    ]
    return max(ends) if ends else None


def process_voice(upload: UploadedFile) -> ProcessedVoice:
    limit = settings.SOCIAL_MAX_VOICE_BYTES
    data = _read_limited(
        upload,
        limit,
        _("A voice clip may be at most %(mb)s MB.") % {"mb": limit // 1024 // 1024},
    )
    try:
        mime = checked_type(upload, AUDIO_TYPES)
    except RejectedUpload as exc:
        raise InvalidMedia(_("A voice clip must be an audio recording.")) from exc
    unreadable = _("This recording could not be read.")
    duration = probe_duration(data)
    if duration is None or duration <= 0:
        raise InvalidMedia(unreadable)
    if duration > settings.SOCIAL_MAX_VOICE_SECONDS:
        raise InvalidMedia(
            _("A voice clip may be at most %(seconds)s seconds long.")
            % {"seconds": settings.SOCIAL_MAX_VOICE_SECONDS}
        )
    cleaned = _without_metadata(data, EXTENSIONS[mime])
    if cleaned is None:
        raise InvalidMedia(unreadable)
    return ProcessedVoice(
        file=ContentFile(cleaned, name=stored_name(mime)), mime=mime, duration_seconds=duration
    )


def _without_metadata(data: bytes, extension: str) -> bytes | None:
    """The clip's first audio stream remuxed (copied, not re-encoded) into the same
    container without any metadata: a phone's recorder app may tag a clip with the place,
    the time and the device, as it does a video. None if ffmpeg cannot read it."""
    with tempfile.TemporaryDirectory(prefix="toto-voice-") as folder:
        source, target = f"{folder}/source.{extension}", f"{folder}/clip.{extension}"
        with open(source, "wb") as out:
            out.write(data)
        remuxed = _run_ffmpeg(
            [
                "-i",
                source,
                "-map",
                "0:a:0",
                "-c",
                "copy",
                *NO_METADATA,
                target,
            ]
        )
        if not remuxed:
            return None
        with open(target, "rb") as stored:
            return stored.read()


def _ffprobe(path: str) -> dict[str, Any]:
    """ffprobe's view of a file's streams and container, or {} if it cannot read it."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return {}
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, our own temp file
            [
                ffprobe,
                "-v",
                "error",
                "-show_entries",
                "stream=index,codec_type,codec_name,width,height:"
                "stream_disposition=attached_pic:format=format_name,duration",
                "-of",
                "json",
                path,
            ],
            capture_output=True,
            timeout=30,
            check=False,
        )
        found: dict[str, Any] = json.loads(result.stdout or b"{}")
    except (subprocess.SubprocessError, ValueError, OSError):
        return {}
    return found


# ffmpeg output options that keep no metadata of any kind: global (location, creation_time,
# device), per stream, chapters; byte-exact muxing (no encoder tag). Voice clips and videos.
NO_METADATA = (
    "-map_metadata",
    "-1",
    "-map_metadata:s",
    "-1",
    "-map_chapters",
    "-1",
    "-fflags",
    "+bitexact",
)


def _run_ffmpeg(arguments: list[str]) -> bool:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return False
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, our own temp files
            [ffmpeg, "-nostdin", "-v", "error", "-y", *arguments],
            capture_output=True,
            timeout=FFMPEG_TIMEOUT_SECONDS,
            check=False,
        )
    except (subprocess.SubprocessError, OSError):
        return False
    return result.returncode == 0


def _video_stream(info: dict[str, Any]) -> dict[str, Any] | None:
    for stream in info.get("streams", []):
        if stream.get("codec_type") == "video" and not stream.get("disposition", {}).get(
            "attached_pic"
        ):
            return dict(stream)
    return None


def _duration(info: dict[str, Any]) -> float | None:
    try:
        value = float(info.get("format", {}).get("duration"))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def process_video(upload: UploadedFile) -> ProcessedVideo:
    """The video remuxed (streams copied, not re-encoded) into MP4 or WebM without any
    metadata, with a WebP poster frame; raises InvalidMedia (field ``video``) otherwise."""

    def refuse(message: str) -> InvalidMedia:
        return InvalidMedia(message, field="video")

    limit = settings.SOCIAL_MAX_VIDEO_BYTES
    too_big = _("A video may be at most %(mb)s MB.") % {"mb": max(1, limit // 1024 // 1024)}
    try:
        data = _read_limited(upload, limit, too_big)
    except InvalidMedia as exc:
        raise refuse(str(exc.detail)) from exc
    not_video = _("This file is not a video.")
    try:
        checked_type(upload, VIDEO_TYPES)
    except RejectedUpload as exc:
        raise refuse(not_video) from exc
    max_seconds = settings.SOCIAL_MAX_VIDEO_SECONDS
    too_long = _("A video may be at most %(seconds)s seconds long.") % {"seconds": max_seconds}
    with tempfile.TemporaryDirectory(prefix="toto-video-") as folder:
        source = f"{folder}/source"
        with open(source, "wb") as out:
            out.write(data)
        info = _ffprobe(source)
        stream = _video_stream(info)
        if stream is None:
            raise refuse(not_video)
        container = VIDEO_CONTAINERS.get(str(stream.get("codec_name")))
        if container is None:
            raise refuse(
                _(
                    "This video's format cannot be played on the web. Please send an MP4 "
                    "(H.264) or WebM (VP8, VP9 or AV1) video."
                )
            )
        width, height = int(stream.get("width") or 0), int(stream.get("height") or 0)
        side = settings.SOCIAL_MAX_VIDEO_SIDE
        if not width or not height:
            raise refuse(not_video)
        if max(width, height) > side:
            raise refuse(
                _("A video may be at most %(side)s pixels on its longer side.") % {"side": side}
            )
        claimed = _duration(info)
        if claimed is not None and claimed > max_seconds + 0.5:
            raise refuse(too_long)
        audio = next((s for s in info.get("streams", []) if s.get("codec_type") == "audio"), None)
        playable_audio, audio_encoder = AUDIO_FOR_CONTAINER[container]
        audio_arguments: list[str] = []
        if audio is not None:
            copy_audio = audio.get("codec_name") in playable_audio
            audio_arguments = ["-map", f"0:{audio['index']}", "-c:a"]
            audio_arguments += ["copy"] if copy_audio else [audio_encoder, "-b:a", "128k"]
        target = f"{folder}/video.{container}"
        remuxed = _run_ffmpeg(
            [
                "-i",
                source,
                "-map",
                f"0:{stream['index']}",
                *audio_arguments,
                "-c:v",
                "copy",
                *NO_METADATA,
                *(["-movflags", "+faststart"] if container == "mp4" else []),
                target,
            ]
        )
        if not remuxed:
            raise refuse(_("This video could not be read."))
        # The length as the remuxed file's own packets give it, not the upload's claim.
        duration = _duration(_ffprobe(target))
        if duration is None:
            raise refuse(_("This video could not be read."))
        if duration > max_seconds + 0.5:
            raise refuse(too_long)
        poster_path = f"{folder}/poster.png"
        at = f"{min(1.0, duration / 3):.3f}"
        made = _run_ffmpeg(
            ["-ss", at, "-i", target, "-frames:v", "1", "-map_metadata", "-1", poster_path]
        ) or _run_ffmpeg(["-i", target, "-frames:v", "1", poster_path])
        if not made:
            raise refuse(_("This video could not be read."))
        try:
            with Image.open(poster_path) as frame:
                image = frame.convert("RGB")
        except (OSError, UnidentifiedImageError) as exc:
            raise refuse(_("This video could not be read.")) from exc
        image.thumbnail((POSTER_SIDE, POSTER_SIDE), Image.Resampling.LANCZOS)
        buffer = BytesIO()
        image.save(buffer, format="WEBP", quality=80, method=4)
        with open(target, "rb") as stored:
            video_bytes = stored.read()
    stem = uuid.uuid4().hex
    return ProcessedVideo(
        file=ContentFile(video_bytes, name=f"{stem}.{container}"),
        poster=ContentFile(buffer.getvalue(), name=f"{stem}-poster.webp"),
        mime=f"video/{container}",
        width=width,
        height=height,
        duration_seconds=duration,
    )

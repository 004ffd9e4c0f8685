"""The QR labels of suggestion boxes (core.qrposter): one box's label as a PNG, a compound's (or
the boxes ticked) as an A4 sheet. The code opens the box's public form at PUBLIC_BASE_URL."""

from django.conf import settings
from django.urls import reverse

from core.qrposter import Label, label_png, labels_pdf

from .models import SuggestionBox

# Boxes on one printed sheet request (a compound holds a few dozen stairwells).
SHEET_MAX = 200


def box_link(box: SuggestionBox) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("outreach:public_box", args=[box.code])


def box_label(box: SuggestionBox) -> Label:
    building = box.building
    lines = [f"{building.compound.name} {building.number} {box.unit_label}", "扫码留言"]
    return Label(title="楼道意见箱", lines=lines, link=box_link(box))


def box_label_png(box: SuggestionBox) -> bytes:
    return label_png(box_label(box))


def box_labels_pdf(boxes) -> bytes:
    return labels_pdf([box_label(box) for box in boxes])

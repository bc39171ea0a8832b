"""Reading pages as a user does: the text of the HTML, entities decoded."""

import html
import re


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def option_labels(response, field_name: str) -> list[str]:
    """Labels of the <option>s of the <select name=field_name> of a page."""
    content = page_text(response)
    select = re.search(rf'<select[^>]*name="{field_name}"[^>]*>(.*?)</select>', content, re.S)
    assert select, f"no <select name={field_name}> in the page"
    return [label.strip() for label in re.findall(r"<option[^>]*>(.*?)</option>", select.group(1), re.S)]

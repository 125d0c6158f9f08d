"""What AppTest cannot do by itself, as the page's browser does it: find a widget that may be
absent, report a component's state or event, type into a selectbox that accepts new options."""

from __future__ import annotations

import json

from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Selectbox


def find(at, kind: str, key: str):
    """The widget of type ``kind`` with key ``key`` on the page now, or None."""
    return next((w for w in getattr(at, kind) if w.key == key), None)


def component(at, key: str):
    """The live chart / clock component with key ``key`` on the page now, or None."""
    return next((c for c in at.get("bidi_component") if c.proto.id.endswith(key)), None)


def send(at, key: str, state_value: dict | None = None, event: tuple | None = None):
    """Run the page as the browser does when the component ``key`` reports something: a new
    state (``{"selection": ...}``) or an event (``("added", {...})``). AppTest cannot click
    inside a component, so the widget states are written here as the page sends them."""
    cid = component(at, key).proto.id
    states = at._tree.get_widget_states()  # (AppTest's own; it has no API for components)
    if state_value is not None:
        ws = states.widgets.add()
        ws.id, ws.json_value = cid, json.dumps(state_value)
    if event is not None:
        ws = states.widgets.add()
        name, value = event
        ws.id = _make_trigger_id(cid, "events")
        ws.json_trigger_value = json.dumps([{"event": name, "value": value}])
    return at._run(states)


class TypedSelectbox(Selectbox):
    """A selectbox into which text was typed (accept_new_options): AppTest's own can only
    send one of the options."""

    typed = ""

    @property
    def _widget_state(self) -> WidgetState:
        ws = WidgetState()
        ws.id, ws.string_value = self.id, self.typed
        return ws

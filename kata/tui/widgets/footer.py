"""A footer that follows its screen's bindings without being built again for each change."""

from __future__ import annotations

from collections import defaultdict

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class SteadyFooter(Footer):
    """Textual's Footer, except that when only *which* keys are enabled changes (a submit
    enables Esc, a result enables Enter) the keys it shows are updated where they are.
    Textual's own footer removes and mounts every key on each change, and lays the whole
    screen out again: on the kata screen that took the interpreter, twice a submit, from
    the thread that grades. Any other change (keys added, removed, relabelled, another
    screen) builds the footer again as Textual does.

    Each key is also built with its compact style already set. Textual sets it on mount
    (the keys start compact, and binding one to a footer that is not switches it back),
    and each switch restyles the key from the whole stylesheet: twice per key and per
    rebuild, all of it work that shows nothing new."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Textual binds every key to the footer's style but the palette's, which
                # keeps the keys' own default (compact).
                compact = widget.has_class("-command-palette") or self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def _wanted(self, screen: Screen) -> list[tuple[tuple[str, str, str], bool]] | None:
        """((key, action, description), enabled) of each key the footer shows, in the
        order ``Footer.compose`` yields them; None if some are grouped (built anew)."""
        active = screen.active_bindings
        by_action: defaultdict[str, list[tuple[tuple[str, str, str], bool]]] = defaultdict(list)
        for _, binding, enabled, _tooltip in active.values():
            if binding.show:
                if binding.group is not None:
                    return None
                by_action[binding.action].append(((binding.key, binding.action, binding.description), enabled))
        wanted = [bindings[0] for bindings in by_action.values()]
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                wanted.append(((palette[1].key, palette[1].action, palette[1].description), palette[2]))
        return wanted

    def bindings_changed(self, screen: Screen) -> None:
        if self._bindings_ready and screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = list(self.query(FooterKey))
            wanted = self._wanted(screen)
            if wanted is not None and [(k.key, k.action, k.description) for k in keys] == [w for w, _ in wanted]:
                for key, (_, enabled) in zip(keys, wanted, strict=True):
                    if key._disabled == enabled:  # noqa: SLF001 - FooterKey keeps it there
                        key._disabled = not enabled  # noqa: SLF001
                        key.set_class(not enabled, "-disabled")
                return
        super().bindings_changed(screen)

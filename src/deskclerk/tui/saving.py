"""Saving from the desk: a write in a worker, then the saved record on screen at once.

Every form, pane key and the quick line save through `perform`; success and
refusal both come back as messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.worker import Worker, WorkerState

from deskclerk.errors import DeskError
from deskclerk.tui import data
from deskclerk.tui.actions import PANE_OF_KIND, DeskActions
from deskclerk.tui.messages import ActionFailed, DeskChanged, RecordSaved, RowsFetched
from deskclerk.tui.panes.base import RegisterPane

if TYPE_CHECKING:
    from deskclerk.services.context import Context
    from deskclerk.tui.status import StatusBar


class DeskSaving(DeskActions):
    """`perform` and what follows a save; DeskApp builds on it."""

    # set by DeskApp
    mark: int | None
    status: StatusBar

    def perform(
        self,
        kind: str,
        call: Callable[[Context, str], Any],
        done: Callable[[Any], str],
        after: Callable[[], None] | None = None,
    ) -> None:
        """Run a write in a worker; success and refusal both come back as messages."""
        if self.ctx is None:
            self.notify(self._not_open, severity="warning")
            return
        if not self.clerk:
            self._ask_clerk(required=True)
            return
        self._perform(self.ctx, self.clerk, kind, call, done, after)

    @work(thread=True, exit_on_error=False, group="write")
    def _perform(
        self,
        ctx: Context,
        clerk: str,
        kind: str,
        call: Callable[[Context, str], Any],
        done: Callable[[Any], str],
        after: Callable[[], None] | None,
    ) -> None:
        try:
            result = call(ctx, clerk)
        except DeskError as exc:
            self.post_message(ActionFailed(exc.message))
            return
        record = getattr(result, "record", result)  # the quick line wraps its call
        self.post_message(RecordSaved(kind, getattr(result, "id", None), done(result), record))
        if after is not None:
            self.call_from_thread(after)

    def on_record_saved(self, message: RecordSaved) -> None:
        target = PANE_OF_KIND.get(message.kind)
        if self.ctx is not None:
            # the saved record at the top of its list at once, from what the service returned
            placed = (
                target is not None
                and message.record is not None
                and self.pane(target).place_saved(message.record)
            )
            # then one reload of each pane the save touched, with the new record selected
            # (the placed one finds its page already shown); the poll then finds nothing new
            after = (self.ctx, self.mark, target, message.record_id)
            if placed:  # after the frame that shows it: the reload would compete with it
                self.call_after_refresh(self._after_save, *after)
            else:
                self._after_save(*after)
        if target and target != self.active:
            # after a form the saved record's pane comes to the front, with the focus;
            # the quick line keeps it for the next line
            self.action_show_pane(target, focus=not self.quick.input.has_focus)
        # in the status bar, not a toast: a toast re-lays out the whole screen
        self.status.say(message.text)  # for a few seconds, then the counts again

    @work(thread=True, exit_on_error=False, group="after-save")
    def _after_save(
        self, ctx: Context, mark: int | None, target: str | None, record_id: int | None
    ) -> None:
        plain = RegisterPane.reload
        pane = self.pane(target) if target else None
        if pane is not None and (pane.start_at is not None or type(pane).reload is not plain):
            pane = None  # a pane that loads more than its list (Handover) reloads itself
        if pane is not None:
            # the saved record's pane straight from this worker: no second thread hop
            page = pane.fetch(ctx, None)
            pane.post_message(RowsFetched(page.items, page.next, False, record_id))
        newest, kinds = data.changes(ctx, mark)
        self.mark = max(newest, self.mark or 0)
        # the pane just redrawn is not reloaded again
        kinds = kinds - pane.KINDS if pane is not None else kinds | _kinds_of(target)
        select = {target: record_id} if target and record_id is not None else {}
        self.post_message(DeskChanged(kinds, select))  # the other panes, and the figures

    def on_action_failed(self, message: ActionFailed) -> None:
        self.bell()
        self.notify(message.message, title="Not saved", severity="error", timeout=8)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            text = error.message if isinstance(error, DeskError) else f"Something failed: {error}"
            self.notify(text, severity="error", timeout=8)


def _kinds_of(pane_name: str | None) -> frozenset[str]:
    kinds = {kind for kind, name in PANE_OF_KIND.items() if name == pane_name}
    return frozenset(kinds)

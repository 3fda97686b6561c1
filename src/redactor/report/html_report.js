'use strict';
// The report's only script (the Content-Security-Policy allows it by its hash).
// Filters hide whole entries; a highlight's reasons open on focus, click or tap and
// close on Escape or a click elsewhere. It reads the page and never writes record
// text: everything it shows was escaped when the report was written.
(() => {
  const all = (selector, root = document) => [...root.querySelectorAll(selector)];
  const entries = all('.entry');
  const boxes = (name) => all(`.controls input[name="${name}"]`);
  const showing = document.getElementById('showing');

  function applyFilters() {
    const verdicts = new Set(boxes('verdict').filter((b) => b.checked).map((b) => b.value));
    const cats = boxes('cat').filter((b) => b.checked).map((b) => b.value);
    let shown = 0;
    for (const entry of entries) {
      const mine = (entry.dataset.cats || '').split(' ');
      const visible = verdicts.has(entry.dataset.verdict) && (!cats.length || cats.some((c) => mine.includes(c)));
      entry.hidden = !visible;
      shown += visible ? 1 : 0;
    }
    for (const section of all('section.doc')) {
      const empty = section.querySelector('.empty');
      if (empty) empty.hidden = !!section.querySelector('.entry:not([hidden])') || !section.querySelector('.entry');
    }
    for (const box of boxes('act')) document.body.classList.toggle(`off-${box.value}`, !box.checked);
    if (showing) {
      showing.textContent = shown === entries.length
        ? `Showing all ${entries.length} entries.`
        : `Showing ${shown} of ${entries.length} entries; the filters hide the rest.`;
    }
  }

  function only(verdicts) {
    for (const box of boxes('verdict')) box.checked = verdicts.includes(box.value);
    applyFilters();
  }
  function showAll() {
    for (const box of [...boxes('verdict'), ...boxes('act')]) box.checked = true;
    for (const box of boxes('cat')) box.checked = false;
    applyFilters();
  }

  const MARK = 'pre.rec mark';
  function closeAll(except) {
    for (const mark of all(`${MARK}.open`)) if (mark !== except) mark.classList.remove('open');
  }
  const isOpen = (mark) =>
    mark.classList.contains('open') || (mark === document.activeElement && !mark.classList.contains('shut'));
  function setOpen(mark, open) {
    closeAll(mark);
    mark.classList.toggle('open', open);
    mark.classList.toggle('shut', !open);
  }
  // A press focuses the highlight (which opens it) before its click arrives: the click
  // toggles what was showing before the press, so a second click or tap closes it.
  let pressed = null;
  document.addEventListener('pointerdown', (event) => {
    const mark = event.target instanceof Element ? event.target.closest(MARK) : null;
    pressed = mark ? { mark, open: isOpen(mark) } : null;
  }, true);

  document.addEventListener('change', (event) => {
    if (event.target.closest('.controls')) applyFilters();
  });
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const button = target && target.closest('.controls button');
    if (button) {
      if (button.dataset.only) only(button.dataset.only.split(' '));
      else showAll();
      return;
    }
    const mark = target && target.closest(MARK);
    const before = pressed;
    pressed = null;
    if (mark) setOpen(mark, !(before && before.mark === mark ? before.open : isOpen(mark)));
    else if (!(target && target.closest('.why'))) closeAll(null);
  });
  document.addEventListener('focusout', (event) => {
    const target = event.target;
    if (target instanceof Element && target.matches(MARK)) target.classList.remove('open', 'shut');
  });
  document.addEventListener('keydown', (event) => {
    const active = document.activeElement;
    if (event.key === 'Escape') {
      closeAll(null);
      if (active && active.matches('.why')) {
        const mark = active.previousElementSibling;
        if (mark) {
          mark.focus();
          mark.classList.add('shut');
        }
      } else if (active && active.matches(MARK)) {
        active.classList.add('shut');
      }
    } else if ((event.key === 'Enter' || event.key === ' ') && active && active.matches(MARK)) {
      event.preventDefault();
      setOpen(active, !isOpen(active));
    }
  });

  applyFilters();
  document.body.dataset.ready = '1';
})();

"""Pure renderers: handover sheet, slips, statistics, exports."""

"""The one adapter to SpiffWorkflow (parser, safe script engine, deadline timers,
serializer storing each spec once per version) and the projections of a workflow into the
``human_tasks`` and ``timers`` tables. The only package that imports SpiffWorkflow; may
import ``engine.bpmn``, ``engine.time`` and the kernel.
"""

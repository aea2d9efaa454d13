"""Process definitions and instances: deploy and versions, starting instances, human
tasks (inbox, claim, complete), attachments and comments. May import ``engine.people``,
``engine.runtime``, ``engine.bpmn``, ``engine.time`` and the kernel.
"""

"""BPMN as a document: namespaces and element naming (``xml``), Alur's conventions, the
safe expression subset, the upload checks (``validation``, ``flow``), the catalog read at
deploy, and diagram layout. May import ``engine.time`` and the kernel; never the runtime
or the process rooms.
"""

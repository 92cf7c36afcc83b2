// Controller machinery; see Controller.swift.

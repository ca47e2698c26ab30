// Connection fields (collections, projects, jobs): imports register them on the builder.
export {};

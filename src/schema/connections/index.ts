// Connection fields (collections, projects, jobs): imports register them on the builder.
import './collections.ts';
import './jobs.ts';
import './projects.ts';

// The stylesheet is imported for esbuild, which writes it out as app.css.
declare module '*.css';

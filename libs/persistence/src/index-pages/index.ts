export * from './index-key';
export * from './index-shape';
export * from './index-directory';
export * from './index-edit';
export * from './index-pages.store';

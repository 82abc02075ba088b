throw new Error('failed while loading');

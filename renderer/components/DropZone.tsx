// The big target for dragging dataset files (or folders) in. Clicking it, or pressing Enter on it,
// opens the file picker, so it also works without a mouse drag.
import { useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { collectDroppedFiles, DATASET_EXTENSIONS } from '../lib/droppedFiles';

interface DropZoneProps {
  onFiles: (files: File[]) => void;
  disabled?: boolean;
  /** Lets a separate "Choose a file…" button open the same picker. */
  inputRef?: RefObject<HTMLInputElement | null>;
  children?: ReactNode;
}

export function DropZone({ onFiles, disabled, inputRef, children }: DropZoneProps) {
  const ownInput = useRef<HTMLInputElement>(null);
  const input = inputRef ?? ownInput;
  // dragenter/dragleave fire for every child element crossed; count them to know when we truly left.
  const depth = useRef(0);
  const [dragging, setDragging] = useState(false);

  const acceptsDrag = (event: DragEvent) => !disabled && Array.from(event.dataTransfer.types).includes('Files');

  const onDragEnter = (event: DragEvent) => {
    if (!acceptsDrag(event)) return;
    event.preventDefault();
    depth.current += 1;
    setDragging(true);
  };
  const onDragOver = (event: DragEvent) => {
    if (!acceptsDrag(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = () => {
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    depth.current = 0;
    setDragging(false);
    if (disabled) return;
    void collectDroppedFiles(event.dataTransfer).then((files) => {
      if (files.length > 0) onFiles(files);
    });
  };

  const openPicker = () => {
    if (!disabled) input.current?.click();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      openPicker();
    }
  };

  return (
    <div
      className={`drop-zone${dragging ? ' is-dragging' : ''}${disabled ? ' is-disabled' : ''}`}
      data-testid="drop-zone"
      role="button"
      tabIndex={0}
      aria-disabled={disabled}
      aria-label="Drop a dataset file here, or press Enter to choose one"
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
      onClick={openPicker}
      onKeyDown={onKeyDown}
    >
      {children}
      <input
        ref={input}
        type="file"
        hidden
        multiple
        accept={DATASET_EXTENSIONS.join(',')}
        data-testid="file-input"
        onClick={(event) => event.stopPropagation()}
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          // Reset so picking the same file again still fires change.
          event.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </div>
  );
}
